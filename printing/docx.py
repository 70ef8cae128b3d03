"""The editable DOCX of a printed document: GB/T 9704-2012 page, faces and page numbers.

The PDF is the record; the DOCX is the same text for the secretariat to revise in WPS or Word
before 印发, so it carries the layout's rules rather than its pixels: A4, 天头 37 mm, 订口 28 mm,
版心 156 × 225 mm, 22 lines of 28 characters of a 仿宋 face at 16 pt, 黑体 and 楷体 for the
first two heading levels, a 小标宋 title, page numbers "— 1 —" at 4号 below the type area (odd
pages right, even pages left, one character in). Faces are named, never embedded: every
Chinese office machine has 仿宋/黑体/楷体/宋体, and the font table names the free Fandol faces
(Debian's ``texlive-lang-chinese``) as the alternatives a machine without them should use.

Imports no app: the per-document builders (``meetings.docx_documents``, ``reports.annual_docx``)
hand it strings and rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# GB/T 9704-2012 §5.2: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, INNER, TYPE_WIDTH, TYPE_HEIGHT = 37, 28, 156, 225
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(10.5)  # 五号, as in the PDF: tables are reference material
LINE = Pt(28.9)  # 225 mm / 22 lines
RED = RGBColor(0xD4, 0x00, 0x00)

# (the face Word and WPS look for, the free face a machine without it should take)
FANGSONG = ("仿宋", "FandolFang")
HEI = ("黑体", "FandolHei")
KAI = ("楷体", "FandolKai")
XIAOBIAOSONG = ("方正小标宋简体", "宋体")
SONG = ("宋体", "FandolSong")
LATIN = "Times New Roman"  # 阿拉伯数字 and Latin letters in a Times-like face, as in the PDF


def set_east_asian_font(element, face: str, latin: str = LATIN) -> None:
    """Name the face of a run or style: Chinese text takes ``w:eastAsia``, digits ``w:ascii``."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), face)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


class GovDocument:
    """A document in the GB/T 9704 layout, built paragraph by paragraph."""

    COMPACT = Pt(9)  # the long issue lists of the reports, as ``table.issues.compact``

    def __init__(self, title: str, *, author: str = "", timestamp: datetime | None = None):
        self.doc = Document()
        self._page_setup()
        self._styles()
        self._font_table()
        self._page_numbers()
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by = title, author, author
        props.comments = props.keywords = props.subject = ""
        if timestamp is not None:  # from the document, not the clock, as in the PDF
            props.created = props.modified = timestamp.replace(tzinfo=None)
        # the template's opening empty paragraph would print as a blank first line
        body = self.doc.element.body
        for p in body.findall(qn("w:p")):
            body.remove(p)

    # --- the page --------------------------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin = Mm(TOP)
        section.bottom_margin = Mm(297 - TOP - TYPE_HEIGHT)  # 35 mm
        section.left_margin = Mm(INNER)  # 订口 on odd pages; mirrored margins swap it on even
        section.right_margin = Mm(210 - INNER - TYPE_WIDTH)  # 26 mm
        section.header_distance = Mm(15)
        section.footer_distance = Mm(20)  # the number's line sits ~7 mm below the type area
        sect_pr = section._sectPr  # noqa: SLF001 - python-docx has no API for the line grid
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(int(LINE.pt * 20)))  # twentieths of a point
        settings = self.doc.settings.element
        mirror = OxmlElement("w:mirrorMargins")  # 订口 inside on both sides of the sheet
        zoom = settings.find(qn("w:zoom"))  # the schema orders the settings: it comes after zoom
        if zoom is not None:
            zoom.addnext(mirror)
        else:
            settings.insert(0, mirror)
        self.doc.settings.odd_and_even_pages_header_footer = True

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        self._face(normal, FANGSONG[0], BODY_SIZE)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(32)  # 首行缩进两字
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for name, face in (
            ("Heading 1", HEI[0]),
            ("Heading 2", KAI[0]),
            ("Heading 3", FANGSONG[0]),
        ):
            style = styles[name]
            self._face(style, face, BODY_SIZE)
            style.font.bold = name == "Heading 3"
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            hfmt = style.paragraph_format
            hfmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            hfmt.line_spacing = LINE
            hfmt.space_before = hfmt.space_after = Pt(0)
            hfmt.first_line_indent = Pt(32)
            hfmt.keep_with_next = True
        title = styles["Title"]
        self._face(title, XIAOBIAOSONG[0], TITLE_SIZE)
        title.font.bold = False
        title.font.color.rgb = RGBColor(0, 0, 0)
        tfmt = title.paragraph_format
        tfmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        tfmt.first_line_indent = Pt(0)
        tfmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        tfmt.line_spacing = Pt(35)
        tfmt.space_before, tfmt.space_after = Pt(0), LINE
        ppr = title.element.get_or_add_pPr()
        border = ppr.find(qn("w:pBdr"))
        if border is not None:  # the template underlines its Title; GB/T 9704 does not
            ppr.remove(border)

    @staticmethod
    def _face(style, face: str, size: Pt) -> None:
        style.font.size = size
        set_east_asian_font(style.element, face)

    def _font_table(self) -> None:
        """Declare each face with the free one to take where it is missing (``w:altName``)."""
        part = next(
            (
                rel.target_part
                for rel in self.doc.part.rels.values()
                if rel.reltype.endswith("/fontTable")
            ),
            None,
        )
        if part is None:
            return
        root = parse_xml(part.blob)
        for face, alternative in (FANGSONG, HEI, KAI, XIAOBIAOSONG, SONG):
            font = OxmlElement("w:font")
            font.set(qn("w:name"), face)
            alt = OxmlElement("w:altName")
            alt.set(qn("w:val"), alternative)
            charset = OxmlElement("w:charset")
            charset.set(qn("w:val"), "86")  # GB2312
            font.append(alt)
            font.append(charset)
            root.append(font)
        # a plain part of the template (python-docx has no font-table API): its bytes replaced
        part._blob = serialize_part_xml(root)  # noqa: SLF001

    def _page_numbers(self) -> None:
        """ "— 1 —" at 4号: odd pages at the right, even at the left, one character in."""
        section = self.doc.sections[0]
        for footer, alignment in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            fmt = p.paragraph_format
            fmt.alignment = alignment
            fmt.first_line_indent = Pt(0)
            if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = PAGE_NUMBER_SIZE
            else:
                fmt.left_indent = PAGE_NUMBER_SIZE
            self._run(p, "— ", size=PAGE_NUMBER_SIZE, face=SONG[0])
            page_field(p, size=PAGE_NUMBER_SIZE)
            self._run(p, " —", size=PAGE_NUMBER_SIZE, face=SONG[0])

    # --- content ---------------------------------------------------------------------------

    @staticmethod
    def _run(paragraph: Paragraph, text: str, *, size=None, face=None, bold=None, color=None):
        run = paragraph.add_run(text)
        if size is not None:
            run.font.size = size
        if face is not None:
            set_east_asian_font(run.element, face)
        if bold is not None:
            run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
        return run

    def title(self, *lines: str) -> Paragraph:
        """The document's title (小标宋, 2号, centred); several lines break inside one paragraph."""
        p = self.doc.add_paragraph(style="Title")
        for n, line in enumerate(lines):
            run = p.add_run(line)
            if n < len(lines) - 1:
                run.add_break()
        return p

    def masthead(self, text: str) -> Paragraph:
        """The 纪要标志: red, centred, a song face; its top 35 mm below the top of the type area."""
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
        fmt.space_before = Mm(35)
        fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        fmt.line_spacing = Pt(35)
        self._run(p, text, size=TITLE_SIZE, face=XIAOBIAOSONG[0], color=RED)
        return p

    def body_size(self, size: Pt, line: Pt) -> None:
        """A smaller body (4号 on 22 pt lines) for a one-page document with more text."""
        normal = self.doc.styles["Normal"]
        normal.font.size = size
        normal.paragraph_format.line_spacing = line
        normal.paragraph_format.first_line_indent = size * 2
        grid = self.doc.sections[0]._sectPr.find(qn("w:docGrid"))  # noqa: SLF001 - as above
        if grid is not None:
            grid.set(qn("w:linePitch"), str(int(line.pt * 20)))

    def letterhead(self, text: str) -> Paragraph:
        """The letter format (信函格式, GB/T 9704 10.1): the issuer in red, its top 30 mm below
        the top of the page, a red double rule 4 mm below it, and another 20 mm above the foot
        of the page (in the footer); no page number on the first page."""
        section = self.doc.sections[0]
        section.top_margin = Mm(30)
        section.different_first_page_header_footer = True
        footer = section.first_page_footer
        footer.is_linked_to_previous = False
        self._double_rule(footer.paragraphs[0], thick_below=True)
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        fmt.line_spacing = Pt(24)
        self._run(p, text, size=TITLE_SIZE, face=XIAOBIAOSONG[0], color=RED)
        rule = self.doc.add_paragraph()
        rule.paragraph_format.first_line_indent = Pt(0)
        rule.paragraph_format.line_spacing = Pt(8)
        self._double_rule(rule, thick_below=False)
        return p

    @staticmethod
    def _double_rule(paragraph: Paragraph, *, thick_below: bool) -> None:
        """A red double rule 170 mm long, centred (7 mm beyond each side of the type area)."""
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = -Mm(7)
        fmt.first_line_indent = Pt(0)
        ppr = paragraph._p.get_or_add_pPr()  # noqa: SLF001 - no python-docx API for borders
        borders = OxmlElement("w:pBdr")
        edge = OxmlElement("w:bottom" if not thick_below else "w:top")
        # Word's double lines of a thick and a thin stroke, the thick one outside the text
        style = "thinThickSmallGap" if thick_below else "thickThinSmallGap"
        for key, value in (("val", style), ("sz", "18"), ("space", "1"), ("color", "D40000")):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
        ppr.append(borders)

    def flush_right(self, text: str, *, indent: int = 0) -> Paragraph:
        """A line at the right edge (the 发文字号), or ``indent`` characters in (the signature)."""
        p = self.doc.add_paragraph(text)
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = BODY_SIZE * indent
        return p

    def centred(self, text: str, *, space_before: Pt | None = None) -> Paragraph:
        p = self.doc.add_paragraph(text)
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        if space_before is not None:
            p.paragraph_format.space_before = space_before
        return p

    def sides(self, left: str, right: str) -> Paragraph:
        """One line with text at both ends (the 发文机关 and the date), by a right tab stop."""
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = fmt.right_indent = PAGE_NUMBER_SIZE
        fmt.tab_stops.add_tab_stop(Mm(TYPE_WIDTH) - 2 * PAGE_NUMBER_SIZE, alignment=2)  # right
        p.add_run(f"{left}\t{right}")
        return p

    def rule(self, *, red: bool = False) -> Paragraph:
        """A full-width line (the 版头 separator in red), as a paragraph's bottom border."""
        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing = Pt(8)
        ppr = p._p.get_or_add_pPr()  # noqa: SLF001 - no python-docx API for paragraph borders
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "10"), ("space", "1")):
            bottom.set(qn(f"w:{key}"), value)
        bottom.set(qn("w:color"), "D40000" if red else "000000")
        borders.append(bottom)
        ppr.append(borders)
        return p

    def heading(self, text: str, level: int = 1) -> Paragraph:
        return self.doc.add_heading(text, level=level)

    def paragraph(
        self, text: str = "", *, label: str = "", muted: bool = False, flush: bool = False
    ) -> Paragraph:
        """A body paragraph (indented two characters, or none when ``flush``: 主送机关);
        ``label`` starts it in 黑体."""
        p = self.doc.add_paragraph()
        if flush:
            p.paragraph_format.first_line_indent = Pt(0)
        if label:
            self._run(p, label, face=HEI[0])
        if text:
            self._run(p, text, color=RGBColor(0x44, 0x44, 0x44) if muted else None)
        return p

    def labelled(self, pairs: Sequence[tuple[str, str]], *, sep: str = "；", end: str = "。"):
        """One paragraph of "label：value；label：value。", each label in 黑体 (facts in a row)."""
        p = self.doc.add_paragraph()
        for n, (label, value) in enumerate(pairs):
            self._run(p, f"{label}：", face=HEI[0])
            p.add_run(value + (end if n == len(pairs) - 1 else sep))
        return p

    def hanging(self, label: str, text: str) -> Paragraph:
        """出席/请假/列席: the label in 黑体, wrapped names aligned after the colon."""
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        indent = Pt(32) + Pt(16) * len(label)
        fmt.left_indent = indent
        fmt.first_line_indent = -Pt(16) * len(label)
        self._run(p, label, face=HEI[0])
        p.add_run(text)
        return p

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths_mm: Sequence[float] | None = None,
        numeric: Sequence[int] = (),
        size: Pt = TABLE_SIZE,
    ):
        """A bordered table, the header row in 黑体 and repeated on every page."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.rows[0]
        header_pr = head._tr.get_or_add_trPr()  # noqa: SLF001 - no API for a repeated header row
        repeat = OxmlElement("w:tblHeader")
        header_pr.append(repeat)
        for cell, text in zip(head.cells, headers, strict=True):
            self._cell(cell, str(text), size=size, face=HEI[0], centre=True)
        for values in rows:
            row = table.add_row()
            # a row never breaks across pages, as in the PDF
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # noqa: SLF001
            cells = row.cells
            for n, (cell, value) in enumerate(zip(cells, values, strict=True)):
                self._cell(cell, "" if value is None else str(value), size=size, right=n in numeric)
        if widths_mm:
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=True):
                    cell.width = Mm(width)
        self.doc.add_paragraph().paragraph_format.line_spacing = Pt(8)  # air below the table
        return table

    def key_figures(self, figures: Sequence[tuple[object, str]]) -> None:
        """A row of key numbers, each in 黑体 above its label, as the PDF's ``.kpis`` row."""
        table = self.doc.add_table(rows=1, cols=len(figures))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, (value, label) in zip(table.rows[0].cells, figures, strict=True):
            p = cell.paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            self._run(p, str(value), size=Pt(18), face=HEI[0]).add_break()
            self._run(p, label, size=TABLE_SIZE)
        self.doc.add_paragraph().paragraph_format.line_spacing = Pt(8)

    def _cell(self, cell, text: str, *, size: Pt, face=None, centre=False, right=False) -> None:
        p = cell.paragraphs[0]
        fmt = p.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.alignment = (
            WD_ALIGN_PARAGRAPH.CENTER
            if centre
            else WD_ALIGN_PARAGRAPH.RIGHT
            if right
            else WD_ALIGN_PARAGRAPH.LEFT
        )
        lines = text.split("\n")
        for n, line in enumerate(lines):
            run = self._run(p, line, size=size, face=face)
            if n < len(lines) - 1:
                run.add_break()

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def page_field(paragraph: Paragraph, *, size: Pt | None = None) -> None:
    """A PAGE field (the page's number), with 1 as the value shown before fields update."""

    def run_with(child) -> None:
        run = paragraph.add_run()
        if size is not None:
            run.font.size = size
        set_east_asian_font(run._r, SONG[0])  # noqa: SLF001 - the run's XML element
        run._r.append(child)  # noqa: SLF001

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    shown = OxmlElement("w:t")
    shown.text = "1"
    run_with(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)

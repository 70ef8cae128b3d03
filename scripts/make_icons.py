"""Draw the home-screen icons of the installable app (liaison/static/liaison/icons/).

Run once when the mark changes: `.venv/bin/python scripts/make_icons.py`. The PNGs are
committed, so serving them needs neither Pillow nor the font. "链" in Noto Sans CJK Bold
(Debian's fonts-noto-cjk), white on the union red of app.css; the maskable variant keeps the
character inside the central 80 % that a launcher's mask never cuts.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED = (183, 28, 28)  # --union-red in liaison/static/liaison/app.css
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
OUT = Path(__file__).resolve().parent.parent / "liaison/static/liaison/icons"


def draw(size: int, scale: float, rounded: bool) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0) if rounded else RED)
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=RED)
    font = ImageFont.truetype(FONT, int(size * scale), index=2)  # index 2: the SC face
    pen.text((size / 2, size / 2), "链", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, 0.62, rounded=True).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, 0.46, rounded=False).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, 0.62, rounded=False).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()

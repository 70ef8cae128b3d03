"""The documents kept by `reports.cached`, declared once, by name (the render task finds them
here: this module is imported when the app is ready, in the web and in the worker).

Each: a name, and the dotted path of its renderer (called with the parameters as keywords,
imported only when a rendering is needed).
"""

from reports.cached import CachedDocument

ANNUAL_PDF = CachedDocument("annual-pdf", "reports.annual.render_annual_report_pdf")
ANNUAL_DOCX = CachedDocument("annual-docx", "reports.annual_docx.annual_report_docx")
BULLETIN = CachedDocument("bulletin", "reports.bulletin.render_cached")

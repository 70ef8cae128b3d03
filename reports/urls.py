"""The reports' pages. The two ledgers keep the addresses of the lists they export
(DESIGN "Public API": `/issues/export.xlsx`, `/meetings/decisions/<year>.xlsx`)."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.report_index, name="index"),
    path("reports/annual/<int:year>.pdf", views.annual_report_pdf, name="annual"),
    path("reports/annual/<int:year>.docx", views.annual_report_docx, name="annual_docx"),
    path("reports/bulletin.pdf", views.bulletin, {"kind": "pdf"}, name="bulletin"),
    path("reports/bulletin.docx", views.bulletin, {"kind": "docx"}, name="bulletin_docx"),
    path("reports/bulletin.xlsx", views.bulletin, {"kind": "xlsx"}, name="bulletin_xlsx"),
    path("issues/export.xlsx", views.issues_export, name="issues_export"),
    path("meetings/decisions/<int:year>.xlsx", views.decisions_export, name="decisions_export"),
]

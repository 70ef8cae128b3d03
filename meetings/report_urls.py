from django.urls import path

from meetings import reports

app_name = "reports"

urlpatterns = [
    path("reports/", reports.report_index, name="index"),
    path("reports/annual/<int:year>.pdf", reports.annual_report_pdf, name="annual"),
]

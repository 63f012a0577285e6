from django.urls import path

from techmarket.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.public_summary_view, name="public"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/export.xlsx", views.export_view, name="export"),
    path("dashboard/monthly-report.pdf", views.monthly_report_view, name="monthly_report"),
]

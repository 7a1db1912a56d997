from django.urls import path

from contactcenter.records import views

app_name = "records"

urlpatterns = [
    path("accounting/", views.accounting_find, name="accounting-find"),
    path("accounting/<int:person_id>/", views.accounting, name="accounting"),
    path(
        "accounting/<int:person_id>/download.<str:file_format>",
        views.accounting_download,
        name="accounting-download",
    ),
    path("export/<int:person_id>.<str:file_format>", views.export, name="export"),
]

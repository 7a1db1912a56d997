"""The mail room's staff pages, under ``/desk/mail-room/`` (``contactcenter/urls.py``)."""

from __future__ import annotations

from django.urls import path

from contactcenter.mailroom import views

app_name = "mailroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("pages/<int:page_id>/", views.page, name="page"),
    path("pages/<int:page_id>/image/", views.page_image, name="page-image"),
    path("pages/<int:page_id>/retry/", views.page_retry, name="page-retry"),
    path("letters/<int:letter_id>/", views.letter, name="letter"),
    path(
        "letters/<int:letter_id>/pages/<int:page_id>/",
        views.letter_page_image,
        name="letter-page-image",
    ),
    path("letters/<int:letter_id>/reply/", views.letter_reply, name="letter-reply"),
    path("faxes/", views.faxes, name="faxes"),
    path("faxes/<int:fax_id>/attach/", views.fax_attach, name="fax-attach"),
    path("faxes/<int:fax_id>/file/", views.fax_file, name="fax-file"),
]

from django.urls import path

from contactcenter.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("link/", views.link_case, name="link"),
    path("representative/", views.representative_request, name="representative"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:thread_id>/", views.thread, name="thread"),
    path("uploads/<int:upload_id>/", views.upload_download, name="upload"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/ask/", views.ask, name="ask"),
    path("cases/<int:case_id>/evidence/", views.evidence, name="evidence"),
    path(
        "cases/<int:case_id>/requests/new/<slug:type_code>/",
        views.service_request_new,
        name="service-request-new",
    ),
    path(
        "cases/<int:case_id>/requests/<str:number>/",
        views.service_request_detail,
        name="service-request",
    ),
    path("cases/<int:case_id>/appointments/new/", views.appointment_new, name="appointment-new"),
    path(
        "cases/<int:case_id>/appointments/<int:request_id>/",
        views.appointment_detail,
        name="appointment",
    ),
]

from django.urls import path

from contactcenter.portal import desk_views

app_name = "portal_desk"

urlpatterns = [
    path("", desk_views.waiting, name="waiting"),
    path("<int:thread_id>/", desk_views.thread, name="thread"),
    path("representatives/", desk_views.representatives, name="representatives"),
    path(
        "representatives/<int:link_id>/approve/",
        desk_views.representative_approve,
        name="representative-approve",
    ),
    path("access-codes/", desk_views.access_code, name="access-code"),
]

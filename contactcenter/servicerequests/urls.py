from django.urls import path

from contactcenter.servicerequests import views

app_name = "servicerequests"
urlpatterns = [
    path("office/", views.office_queue_page, name="queue"),
    path("office/<str:number>/", views.detail, name="detail"),
    path("office/<str:number>/evidence/<int:file_id>/", views.evidence, name="evidence"),
    path("office/<str:number>/<slug:action>/", views.action, name="action"),
    path("new/<str:reference>/", views.create, name="create"),
]

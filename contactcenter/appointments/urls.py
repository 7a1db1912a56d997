from django.urls import path

from contactcenter.appointments import views

app_name = "appointments"
urlpatterns = [
    path("closures/", views.closures, name="closures"),
    path("manage/", views.manage, name="manage"),
    path("staff/", views.staff_requests, name="staff-requests"),
    path("staff/requests/<int:request_id>/", views.staff_request, name="staff-request"),
    path("staff/appointments/<str:number>/", views.staff_appointment, name="staff-appointment"),
    path("staff/offices/<str:office_code>/<str:day>/", views.staff_roster, name="staff-roster"),
]

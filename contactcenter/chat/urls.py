from django.urls import path

from contactcenter.chat import views

app_name = "chat"
urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("handoff/", views.handoff, name="handoff"),
    path("end/", views.end, name="end"),
    path("restart/", views.restart, name="restart"),
    path("transcript/", views.transcript, name="transcript"),
    path("survey/", views.survey, name="survey"),
]

from django.urls import path

from contactcenter.ivr import views

app_name = "ivr"

urlpatterns = [
    path("voice/<slug:line>", views.voice, name="voice"),
    path("voice/<slug:line>/step", views.voice_step, name="step"),
    path("status/<slug:line>", views.status, name="status"),
    path("survey/<slug:line>", views.survey, name="survey"),
]

from django.urls import path

from contactcenter.portal import public_views

app_name = "portal_public"

urlpatterns = [
    path("contact/", public_views.contact, name="contact"),
    path("account-help/", public_views.account_help, name="account-help"),
    path("feedback/", public_views.feedback, name="feedback"),
    path("events/", public_views.events, name="events"),
    path("events/<int:event_id>/", public_views.event, name="event"),
    path("events/<int:event_id>/calendar.ics", public_views.event_ics, name="event-ics"),
]

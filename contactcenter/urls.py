from django.contrib import admin
from django.urls import include, path

from contactcenter import health
from contactcenter.api import api
from contactcenter.cases import views as case_views
from contactcenter.notifications import webhooks as notification_webhooks

# Another role's page: a page in the desk's layout with a way on, logged once at INFO.
handler403 = "contactcenter.desk.views.forbidden"

admin.site.site_header = "Contact Center administration"
admin.site.site_title = "Contact Center"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("desk/", include("contactcenter.desk.urls")),
    path(
        "webhooks/twilio/sms",
        notification_webhooks.twilio_sms_inbound,
        name="twilio-sms-inbound",
    ),
    path(
        "webhooks/twilio/sms/status/<int:notification_id>",
        notification_webhooks.twilio_sms_status,
        name="twilio-sms-status",
    ),
    path("webhooks/anymail/", include("contactcenter.intake.urls")),
    path("webhooks/fax/", include("contactcenter.mailroom.webhook_urls")),
    path("service-requests/", include("contactcenter.servicerequests.urls")),
    path("appointments/", include("contactcenter.appointments.urls")),
    path("ivr/", include("contactcenter.ivr.urls")),
    path("chat/", include("contactcenter.chat.urls")),
    path("survey/", include("contactcenter.surveys.public_urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("contactcenter.portal.urls")),
    path("desk/messages/", include("contactcenter.portal.desk_urls")),
    path("desk/records/", include("contactcenter.records.urls")),
    path("desk/mail-room/", include("contactcenter.mailroom.urls")),
    path("", include("contactcenter.portal.public_urls")),
    path("", case_views.home, name="home"),
    path("case-status/", case_views.case_status, name="case-status"),
    path("processing-times/", case_views.processing_times, name="processing-times"),
]

from django.urls import path

from contactcenter.desk import journey_pages, reports, surveys, tools, views, voice

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.DeskLoginView.as_view(), name="login"),
    path("logout/", views.DeskLogoutView.as_view(), name="logout"),
    path("presence/", views.presence, name="presence"),
    path("voice/token/", voice.voice_token, name="voice-token"),
    path("voice/device/", voice.voice_device, name="voice-device"),
    path("offers/next/", views.offer_next, name="offer-next"),
    path("offers/<int:item_id>/accept/", views.offer_accept, name="offer-accept"),
    path("offers/<int:item_id>/decline/", views.offer_decline, name="offer-decline"),
    path("inquiries/<str:reference>/", views.inquiry_detail, name="inquiry"),
    path(
        "inquiries/<str:reference>/replies/<int:reply_id>/",
        tools.inquiry_reply,
        name="inquiry-reply",
    ),
    path(
        "inquiries/<str:reference>/transfer-targets/",
        views.inquiry_transfer_targets,
        name="inquiry-transfer-targets",
    ),
    path("inquiries/<str:reference>/<slug:action>/", views.inquiry_action, name="inquiry-action"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/take/", views.callbacks_claim, name="callbacks-claim"),
    path("callbacks/<int:item_id>/", views.callbacks, name="callback"),
    path("callbacks/<int:item_id>/attempt/", views.callback_attempt, name="callback-attempt"),
    path("callbacks/<int:item_id>/text/", views.callback_text, name="callback-text"),
    path("callbacks/<int:item_id>/resolve/", views.callback_resolve, name="callback-resolve"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("supervisor/board/", views.supervisor_fragment, name="supervisor-board"),
    path("wallboard/", views.wallboard, name="wallboard"),
    path("wallboard/board/", views.wallboard_fragment, name="wallboard-board"),
    path("supervisor/items/<int:item_id>/assign/", views.reassign, name="reassign"),
    path("reports/", reports.reports, name="reports"),
    path("surveys/", surveys.survey_results_page, name="surveys"),
    path("reports/schedules/", reports.schedule_add, name="report-schedule-add"),
    path(
        "reports/schedules/<int:schedule_id>/remove/",
        reports.schedule_remove,
        name="report-schedule-remove",
    ),
    path("journeys/", journey_pages.journeys, name="journeys"),
    path("journeys/list/", journey_pages.journey_list, name="journey-list"),
    path("journeys/person/<int:person_id>/", journey_pages.person_journey, name="journey-person"),
    path("journeys/case/<int:case_id>/", journey_pages.case_journey, name="journey-case"),
    # Agent tools: canned replies (kept by supervisors) and the knowledge-base search.
    path("knowledge/", tools.knowledge, name="knowledge"),
    path("replies/", tools.replies_list, name="replies"),
    path("replies/new/", tools.reply_add, name="reply-add"),
    path("replies/<int:reply_id>/edit/", tools.reply_edit, name="reply-edit"),
    path("replies/<int:reply_id>/retire/", tools.reply_retire, name="reply-retire"),
    path("replies/<int:reply_id>/restore/", tools.reply_restore, name="reply-restore"),
]

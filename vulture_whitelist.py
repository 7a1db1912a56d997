"""Names vulture reports as unused that the project does use, where a static reader cannot see.

``make deadcode`` runs vulture with this file (settings in pyproject.toml, which also ignores
Django's own conventional names such as ``Meta``, ``list_display`` or ``handle``). List a name
here only with the route by which it is reached; dead code is removed, not listed. vulture
matches by name, so each name stands for every attribute or variable of that name.
"""

# ruff: noqa

# Model fields: written by the services, read through the ORM by name (admin columns, filters,
# templates, reports) or kept as the record of what happened.
reviewed_by, reviewed_at, disclosed_at, recorded_at
next_run_at, last_started_at, last_finished_at, last_error, runs
verified_at, escalation_reason, closed_at
source_file, loaded_at, activated_at, flow_version, queued_at
provider_message_id, last_attempt_at, opted_out_at, body_redacted, received_at
country, approved_by, failed_attempts, used_at, used_by, revoked_at
last_message_at, awaiting_reply, from_staff, scan_state
assigned_to, assigned_at, completed_at, text_ahead_sent_at, confirmed_at, breached_at
offered_at, attempted_at
submitted_by, submitted_by_user, high_priority, opened_at, resolved_at, uploaded_at
# A model over the table a PostgreSQL trigger keeps (routing migration 0003).
AgentLoad

# Members of TextChoices: values stored in rows and offered as choices, not named in code.
API, COMMAND
TTY, VIRTUAL_ASSISTANT, MAIL, FAX, IN_PERSON, NOT_VERIFIED
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY
SEVERE_FINANCIAL_LOSS, NONPROFIT_INTEREST, GOVERNMENT_INTEREST, AGENCY_ERROR

# Form fields, read back through ``cleaned_data`` by name (``website`` is the honeypot).
a_number_last4, evidence_files, website
mailed_on, moved_on, criterion, explanation, appointment_kind, appointment_on

# Fields of results that templates read or the API serialises.
office_name, follow_up, question_masked, office_contact
inquiry_allowed_now, inquiry_message, category_title, receipt_date_for_inquiry
oldest_enqueued_at, oldest_wait, open_items, supervisor_requests, phone_lines
in_progress, self_served_percent
notices, uploads, service_requests, appointment_requests
bring_list, masked_recipient

# Classes named by dotted path (MIDDLEWARE, the SMS providers by name, ACCOUNT_ADAPTER,
# SOCIALACCOUNT_ADAPTER, the staff admin config's default_site).
StaticFilesMiddleware
ConsoleSmsProvider, InMemorySmsProvider, TwilioSmsProvider
AccountAdapter, SocialAccountAdapter
StaffAdminSite

# Arguments a caller passes that the function must accept (signal handlers, admin save_model).
signum, frame, change

# Reached today only from tests, kept on purpose: the business calendar's counterpart of
# add_business_days, a receipt number's intake office, the reopen transition of the inquiry
# state machine, the agency's own biometrics booking (seed data and imports), and the reset of
# the cached live-help calendar.
add_business_time, intake_office_code, inquiry_reopen, biometrics_appointment_book_by_agency
live_help_calendar_reset

# Reached by Django through settings and class attributes: the upload handler and its hooks,
# the Permissions-Policy middleware, the staff sign-in forms the desk and the admin name.
FileSizeCapHandler, PermissionsPolicyMiddleware, receive_data_chunk, file_complete, file_size
authentication_form, login_form, error_messages
# Read by django-tasks' database worker, which core.management.commands.task_worker extends;
# the benchmarks' stand-in text provider, named by SMS_PROVIDER's dotted path.
startup_delay
RecordingSlowSmsProvider

"""Work waiting on the staff screens the day the demo is seeded, so nobody has to make some by
hand first: service requests in the demo office users' queues (new, being worked, and
answered with a question back to the person), appointment requests for Tier 2 to review,
Tier 2 callbacks (some overdue, some due later today) and secure messages in applicants'
online accounts (some waiting for staff, some answered).

Unlike the history (bulk inserts, see the package docstring) this is a few dozen records, so
each is made by the service a person or an agent would go through: an applicant's account is
linked with an Online Access Code, and asks from it; Tier 1 verifies a caller by the identity
questions and escalates; an officer opens and answers a request. Routing, audit, the inquiries'
histories and the contact events for the wallboard follow as they do for real work. The only
write around the services moves a callback's due time: the services stamp "now", and a demo
needs some callbacks already late.

Messages those services send (an inquiry update, "a message is waiting") are recorded and
sent like any other, to the invented people's reserved example addresses; the default
backends print them to the console.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone

from contactcenter.cases.models import Case, Confidentiality
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.inquiries.models import Channel, VerifiedAs
from contactcenter.inquiries.services import (
    inquiry_escalate,
    inquiry_open,
    inquiry_start_work,
    inquiry_verify_identity,
)
from contactcenter.portal.services import (
    access_code_issue,
    access_code_redeem,
    appointment_request_online,
    service_request_online,
    thread_reply_staff,
    thread_start,
)
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.servicerequests.services import service_request_open, service_request_reply
from contactcenter.setup.demo.draft import Draft
from contactcenter.setup.demo.people import _ascii
from contactcenter.setup.demo.plan import (
    AccountPlan,
    AppointmentRequestPlan,
    CallbackPlan,
    CasePlan,
    DemoPlan,
    SecureThreadPlan,
    ServiceRequestPlan,
)
from contactcenter.setup.demo.staff import STAFF

# Demo only: documented in the README. Every demo applicant account has this password.
APPLICANT_PASSWORD = "demo-applicant"  # noqa: S105 - a documented demo password
ACCOUNT_DOMAIN = "applicant.example"
# The offices whose demo users work a queue (office.nyc, office.mia, office.nbc).
QUEUE_OFFICES = tuple(sorted({member.office for member in STAFF if member.office}))
STAGES = ("new", "in_progress", "awaiting_person", "new")

# Who does the agents' part: the demo's bilingual Tier 1 agent.
TIER1_AGENT = "tier1.bruno"
MESSAGE_AGENTS = {"en": "tier1.alice", "es": "tier1.bruno"}

_S = CaseStatus


def _text(language: str, en: str, es: str) -> str:
    return es if language == "es" else en


def _candidates(draft: Draft) -> list[CasePlan]:
    """Cases the demo's work may be about: not confidential (those are Tier 2's alone),
    showcases first, then the others in a seeded order."""
    rng = draft.rng("work-cases")
    open_cases = [case for case in draft.plan.cases if case.confidentiality == Confidentiality.NONE]
    showcases = [case for case in open_cases if case.showcase]
    others = [case for case in open_cases if not case.showcase]
    rng.shuffle(others)
    return showcases + others


def _request_details(
    draft: Draft, case: CasePlan, office: str, turn: int
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A request type that fits the case, with its details in the person's language: the one
    the case calls for (an interview to move, a card that did not arrive), else the next of
    the general kinds in turn, so a queue shows several."""
    person = draft.plan.people[case.person]
    language = person.preferred_language
    options: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    if case.status == _S.INTERVIEW_SCHEDULED and draft.zip_office.get(person.zip_code) == office:
        when = draft.today + dt.timedelta(days=12)
        options.append(("interview-reschedule", (
            ("appointment_kind", "interview"),
            ("appointment_on", when.isoformat()),
            ("description", _text(language,
                "I have surgery scheduled that week and cannot attend the interview.",
                "Tengo una cirugía programada esa semana y no puedo asistir a la entrevista.")),
        )))  # fmt: skip
    if case.status in (_S.CARD_MAILED, _S.CARD_PRODUCED):
        options.append(("not-received", (
            ("document", "card"),
            ("mailed_on", case.status_date.isoformat()),
            ("description", _text(language,
                "The card was mailed but has not arrived. The address on the case is right.",
                "La tarjeta se envió pero no ha llegado. La dirección del caso es correcta.")),
        )))  # fmt: skip
    general: list[tuple[str, tuple[tuple[str, str], ...]]] = [
        ("typographic-error", (
            ("document", "notice"),
            ("description", _text(language,
                "The receipt notice has my date of birth with the day and month swapped.",
                "El aviso de recibo tiene mi fecha de nacimiento con el día y el mes al revés.")),
        )),
        ("appointment-accommodation", (
            ("accommodation", "wheelchair_access"),
            ("description", _text(language,
                "I use a wheelchair and need step-free access at my appointment.",
                "Uso silla de ruedas y necesito acceso sin escalones en mi cita.")),
        )),
        ("change-of-address", (
            ("street", f"{200 + turn * 37} Maple Avenue, Apt {turn + 2}B"),
            ("city", person.city),
            ("state", person.state),
            ("zip_code", person.zip_code),
            ("moved_on", (draft.today - dt.timedelta(days=9)).isoformat()),
        )),
    ]  # fmt: skip
    if not (person.city and person.state and person.zip_code):
        general.pop()  # an address abroad: no change of address in the United States
    return (options + general[turn % len(general) :] + general)[0]


def _service_requests_build(draft: Draft, candidates: list[CasePlan]) -> None:
    for office in QUEUE_OFFICES:
        held = [case for case in candidates if case.office == office]
        for turn, (stage, case) in enumerate(zip(STAGES, held, strict=False)):
            code, details = _request_details(draft, case, office, turn)
            language = draft.plan.people[case.person].preferred_language
            # An interview reschedule goes to the field office of the person's ZIP, which
            # was checked above to be this office.
            draft.plan.work.service_requests.append(
                ServiceRequestPlan(
                    case=case.receipt_number,
                    type_code=code,
                    details=details,
                    language=language,
                    office=office,
                    stage=stage,
                    answer=_text(
                        language,
                        "Before we can finish this request we need a copy of the identity "
                        "page of your passport. Please reply from your online account.",
                        "Antes de terminar esta solicitud necesitamos una copia de la página "
                        "de identidad de su pasaporte. Responda desde su cuenta en línea.",
                    )
                    if stage == "awaiting_person"
                    else "",
                )
            )


APPOINTMENTS = (
    # reason, accommodations, accommodation note, details (en, es)
    ("emergency_travel_document", (), "",
     ("My mother is in hospital abroad and I must travel this week.",
      "Mi madre está hospitalizada en el extranjero y debo viajar esta semana.")),
    ("proof_of_status_stamp", ("wheelchair_access",), "",
     ("My card expired and I need proof of status for a new job.",
      "Mi tarjeta venció y necesito prueba de estatus para un trabajo nuevo.")),
    ("employment_authorization_proof", ("sign_language_interpreter",), "",
     ("My work permit card is late and my employer needs proof.",
      "Mi tarjeta de permiso de trabajo está atrasada y mi empleador necesita prueba.")),
    ("unresolved_case_problem", ("other",), "I need large-print documents.",
     ("The address on my case is wrong and the phone line could not fix it.",
      "La dirección de mi caso está mal y por teléfono no lo pudieron corregir.")),
    ("emergency_travel_document", ("seating_or_rest",), "",
     ("A funeral abroad next week; I have the death certificate.",
      "Un funeral en el extranjero la próxima semana; tengo el certificado de defunción.")),
)  # fmt: skip


def _appointments_build(draft: Draft, candidates: list[CasePlan]) -> None:
    served = [
        case for case in candidates if draft.zip_office.get(draft.plan.people[case.person].zip_code)
    ]
    for (reason, accommodations, note, details), case in zip(APPOINTMENTS, served, strict=False):
        person = draft.plan.people[case.person]
        language = person.preferred_language
        draft.plan.work.appointment_requests.append(
            AppointmentRequestPlan(
                case=case.receipt_number,
                reason=reason,
                zip_code=person.zip_code,
                language=language,
                accommodations=accommodations,
                accommodation_note=note,
                details=_text(language, *details),
            )
        )


CALLBACKS = (
    # urgency, minutes until due (negative: overdue), reason
    ("urgent", -26 * 60, "Asked for a supervisor's review of a denied fee waiver."),
    ("regular", -150, "Needs an officer to explain the request for evidence."),
    ("urgent", -30, "Travel next week; the advance parole decision is needed."),
    ("regular", 45, "The status shown differs from the notice received."),
    ("regular", 150, "Wants to know why the case was transferred."),
    ("urgent", 240, "Lost job because the work permit is late."),
)


def _callbacks_build(draft: Draft, candidates: list[CasePlan]) -> None:
    # The identity questions need a date of birth and a ZIP code on file; the call a phone.
    reachable = [
        case
        for case in candidates
        if draft.plan.people[case.person].phone and draft.plan.people[case.person].zip_code
    ]
    # Spanish speakers among them too, so both Tier 2 queues have callbacks.
    spanish = [c for c in reachable if draft.plan.people[c.person].preferred_language == "es"]
    english = [c for c in reachable if draft.plan.people[c.person].preferred_language != "es"]
    chosen = [
        case
        for pair in zip(english[2:], spanish[1:], strict=False)
        for case in pair
    ] or reachable[2:]  # fmt: skip
    for (urgency, minutes, reason), case in zip(CALLBACKS, chosen, strict=False):
        draft.plan.work.callbacks.append(
            CallbackPlan(
                case=case.receipt_number,
                person=case.person,
                language=draft.plan.people[case.person].preferred_language,
                urgency=urgency,
                reason=reason,
                due_in_minutes=minutes,
            )
        )


THREADS = (
    # subject (en, es), body (en, es), staff answer (en, es), or None: still waiting
    (("Biometrics appointment", "Cita de datos biométricos"),
     ("I missed my biometrics appointment because I was ill. How do I get a new one?",
      "No pude ir a mi cita de datos biométricos porque estaba enfermo. ¿Cómo consigo otra?"),
     None),
    (("Name change after marriage", "Cambio de nombre después del matrimonio"),
     ("I married last month. Do I need to tell you my new family name for this case?",
      "Me casé el mes pasado. ¿Tengo que informarles mi nuevo apellido para este caso?"),
     None),
    (("Question about the notice", "Pregunta sobre el aviso"),
     ("The last notice mentions a document I already sent. Should I send it again?",
      "El último aviso menciona un documento que ya envié. ¿Debo enviarlo otra vez?"),
     None),
    (("Case status", "Estado del caso"),
     ("My case has shown the same status for months. Is anything missing?",
      "Mi caso lleva meses con el mismo estado. ¿Falta algo?"),
     ("Nothing is missing: the case is in line for an officer's review. We will write when "
      "there is a decision or if we need anything from you.",
      "No falta nada: el caso está en espera de la revisión de un oficial. Le escribiremos "
      "cuando haya una decisión o si necesitamos algo de usted.")),
    (("Travel while the case is pending", "Viajar mientras el caso está pendiente"),
     ("May I travel abroad for two weeks while my case is pending?",
      "¿Puedo viajar al extranjero dos semanas mientras mi caso está pendiente?"),
     ("A short trip does not by itself end a pending case, but you must be here for any "
      "appointment or interview we schedule. For a green card application, ask for advance "
      "parole before you leave.",
      "Un viaje corto no termina por sí solo un caso pendiente, pero usted debe estar aquí "
      "para cualquier cita o entrevista que programemos. Si solicitó la residencia "
      "permanente, pida un permiso de viaje anticipado antes de salir.")),
    (("Address on file", "Dirección registrada"),
     ("Can you confirm which mailing address you have for me?",
      "¿Pueden confirmar qué dirección postal tienen registrada?"),
     ("For your security we do not write addresses in messages. You can see and change it "
      "in your account, under your case.",
      "Por su seguridad no escribimos direcciones en los mensajes. Puede verla y cambiarla "
      "en su cuenta, en su caso.")),
)  # fmt: skip


def _threads_build(draft: Draft, candidates: list[CasePlan]) -> None:
    for (subject, body, answer), case in zip(THREADS, candidates[1:], strict=False):
        language = draft.plan.people[case.person].preferred_language
        draft.plan.work.threads.append(
            SecureThreadPlan(
                case=case.receipt_number,
                subject=_text(language, *subject),
                body=_text(language, *body),
                language=language,
                reply=_text(language, *answer) if answer else "",
            )
        )


def _accounts_build(draft: Draft) -> None:
    """One online account per applicant the requests and messages come from, linked with the
    first case named for them; a showcase person's address has no number, for the README."""
    work = draft.plan.work
    by_number = {case.receipt_number: case for case in draft.plan.cases}
    named = [
        *(r.case for r in work.service_requests),
        *(r.case for r in work.appointment_requests),
        *(t.case for t in work.threads),
    ]
    seen: set[int] = set()
    for number in named:
        case = by_number[number]
        if case.person in seen:
            continue
        seen.add(case.person)
        person = draft.plan.people[case.person]
        local = f"{_ascii(person.given_name)}.{_ascii(person.family_name)}"
        if not case.showcase:
            local += str(case.person + 1)
        work.accounts.append(AccountPlan(email=f"{local}@{ACCOUNT_DOMAIN}", case=number))


def live_work_build(draft: Draft) -> None:
    """The waiting work, from the plan's cases and people (so after them)."""
    candidates = _candidates(draft)
    _service_requests_build(draft, candidates)
    _appointments_build(draft, candidates)
    _callbacks_build(draft, candidates)
    _threads_build(draft, candidates)
    _accounts_build(draft)


# --- writing --------------------------------------------------------------------------------


def _staff(username: str) -> User:
    return User.objects.select_related("staff_profile").get(username=username)


def _accounts_write(plan: DemoPlan, cases: dict[str, Case]) -> dict[int, User]:
    """Each account as sign-up and the access-code page make it: a confirmed email address,
    then the case's Online Access Code redeemed. Returns the accounts by applicant id."""
    password = make_password(APPLICANT_PASSWORD)
    accounts: dict[int, User] = {}
    for account in plan.work.accounts:
        user = get_user_model().objects.create(
            username=account.email, email=account.email, password=password
        )
        EmailAddress.objects.create(user=user, email=account.email, verified=True, primary=True)
        _row, code = access_code_issue(case=cases[account.case])
        linked = access_code_redeem(user=user, receipt_number=account.case, code=code)
        accounts[linked.applicant_id] = user
    return accounts


def _service_requests_write(
    plan: DemoPlan, cases: dict[str, Case], accounts: dict[int, User]
) -> int:
    officers = {member.office: _staff(member.username) for member in STAFF if member.office}
    for wanted in plan.work.service_requests:
        case = cases[wanted.case]
        created = service_request_online(
            user=accounts[case.applicant_id],
            case=case,
            type_code=wanted.type_code,
            details=dict(wanted.details),
            language=wanted.language,
        )
        request = created.request
        officer = officers[wanted.office]
        if wanted.stage == "in_progress":
            service_request_open(request=request, actor=officer)
        elif wanted.stage == "awaiting_person":
            service_request_reply(request=request, actor=officer, body=wanted.answer)
    return len(plan.work.service_requests)


def _appointments_write(plan: DemoPlan, cases: dict[str, Case], accounts: dict[int, User]) -> int:
    for wanted in plan.work.appointment_requests:
        case = cases[wanted.case]
        appointment_request_online(
            user=accounts[case.applicant_id],
            case=case,
            reason=wanted.reason,
            zip_code=wanted.zip_code,
            accommodations=wanted.accommodations,
            accommodation_note=wanted.accommodation_note,
            details=wanted.details,
            language=wanted.language,
        )
    return len(plan.work.appointment_requests)


def _due(now: dt.datetime, minutes: int) -> dt.datetime:
    """``minutes`` from now; a time due later kept within today (the agency's day)."""
    due = now + dt.timedelta(minutes=minutes)
    if minutes <= 0:
        return due
    local = timezone.localtime(now)
    end_of_day = local.replace(hour=23, minute=59, second=0, microsecond=0)
    return max(min(due, end_of_day), now + dt.timedelta(minutes=1))


def _callbacks_write(plan: DemoPlan, cases: dict[str, Case], now: dt.datetime) -> int:
    agent = _staff(TIER1_AGENT)
    for wanted in plan.work.callbacks:
        case = cases[wanted.case]
        person = plan.people[wanted.person]
        inquiry = inquiry_open(
            channel=Channel.PHONE,
            language=wanted.language,
            topic="case status",
            contact_phone=person.phone,
            actor=agent,
        )
        inquiry = inquiry_start_work(inquiry=inquiry, actor=agent)
        answers = {"date_of_birth": person.date_of_birth.isoformat(), "zip_code": person.zip_code}
        if person.a_number:
            answers["a_number_last4"] = person.a_number[-4:]
        result = inquiry_verify_identity(
            inquiry=inquiry,
            actor=agent,
            receipt_number=ReceiptNumber.parse(case.receipt_number),
            claimed_as=VerifiedAs.APPLICANT,
            answers=answers,
        )
        if not result.passed:
            raise ValueError(f"{case.receipt_number}: the demo caller failed the identity check")
        escalated = inquiry_escalate(
            inquiry=inquiry, actor=agent, reason=wanted.reason, urgency=wanted.urgency
        )
        due = _due(now, wanted.due_in_minutes)
        # Escalated a while ago: in line since a day before it fell due (or since now).
        WorkItem.objects.filter(inquiry=escalated, kind=WorkKind.CALLBACK).update(
            due_at=due, enqueued_at=min(now, due - dt.timedelta(days=1))
        )
    return len(plan.work.callbacks)


def _threads_write(plan: DemoPlan, cases: dict[str, Case], accounts: dict[int, User]) -> int:
    agents = {language: _staff(name) for language, name in MESSAGE_AGENTS.items()}
    for wanted in plan.work.threads:
        case = cases[wanted.case]
        thread = thread_start(
            user=accounts[case.applicant_id],
            case=case,
            subject=wanted.subject,
            body=wanted.body,
            language=wanted.language,
        )
        if wanted.reply:
            thread_reply_staff(actor=agents[wanted.language], thread=thread, body=wanted.reply)
    return len(plan.work.threads)


def live_work_write(*, plan: DemoPlan) -> dict[str, int]:
    """Create the plan's waiting work through the services; the cases, people and staff must
    already be written. Returns how many of each were made."""
    work = plan.work
    numbers = (
        {a.case for a in work.accounts}
        | {r.case for r in work.service_requests}
        | {r.case for r in work.appointment_requests}
        | {c.case for c in work.callbacks}
        | {t.case for t in work.threads}
    )
    cases = {
        case.receipt_number: case
        for case in Case.objects.filter(receipt_number__in=numbers).select_related(
            "applicant", "office"
        )
    }
    now = timezone.now()
    accounts = _accounts_write(plan, cases)
    return {
        "accounts": len(accounts),
        "service_requests": _service_requests_write(plan, cases, accounts),
        "appointment_requests": _appointments_write(plan, cases, accounts),
        "callbacks": _callbacks_write(plan, cases, now),
        "threads": _threads_write(plan, cases, accounts),
    }

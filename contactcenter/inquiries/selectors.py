from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from contactcenter.cases.models import Case
from contactcenter.cases.selectors import case_get_for_viewer
from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.core.process_cache import ProcessCache
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.inquiries.models import Disposition, DispositionCode, Inquiry, VerifiedAs
from contactcenter.people.models import Person, Representative


class IdentityNotVerified(ApplicationError):
    code = ErrorCode.IDENTITY_NOT_VERIFIED
    http_status = 403


def inquiry_case_for_viewer(
    *, viewer: User | AnonymousUser, inquiry: Inquiry, channel: str
) -> Case:
    """The case an inquiry is about, with personal data, once the person proved who they are.

    Nothing case-specific is shown before the identity check passes; after it, the viewer's
    own right still applies (Tier 1 never sees VAWA, T or U cases) and the read is audited.
    """
    if not inquiry.is_verified or inquiry.case_id is None:
        raise IdentityNotVerified(
            _("Verify the person's identity before looking at case information.")
        )
    receipt = ReceiptNumber.parse(
        Case.objects.values_list("receipt_number", flat=True).get(pk=inquiry.case_id)
    )
    return case_get_for_viewer(
        viewer=viewer,
        receipt_number=receipt,
        channel=channel,
        purpose=f"inquiry {inquiry.reference_number} ({inquiry.verified_as})",
    )


# The dispositions offered, read at most every few seconds per process (every inquiry page and
# every resolution asks); cleared when one is saved (inquiries/apps.py).
DISPOSITIONS_OFFERED: ProcessCache[list[Disposition]] = ProcessCache(
    "dispositions_offered",
    lambda: list(Disposition.objects.filter(active=True).exclude(code=DispositionCode.ESCALATED)),
)


def dispositions_for_agents(*, language: str) -> list[tuple[str, str]]:
    """The wrap-up codes an agent may choose when resolving, as (code, label) in ``language``,
    in the supervisors' order: the active ones, but escalating (an action of its own)."""
    return [(d.code, d.label(language)) for d in DISPOSITIONS_OFFERED.get()]


def inquiry_party_name_for_viewer(
    *, viewer: User | AnonymousUser, inquiry: Inquiry, channel: str, purpose: str
) -> str:
    """The name of the person the identity check verified (the applicant, or the G-28
    representative speaking for them), for a member of staff who may see the case.

    Only the name is read, and the read is a row of the disclosure log naming ``purpose``
    (a canned reply addressing the person, say); before the check passes nothing is read.
    """
    if not inquiry.is_verified or inquiry.case_id is None:
        raise IdentityNotVerified(_("Verify the person's identity before using their name."))
    receipt = ReceiptNumber.parse(
        Case.objects.values_list("receipt_number", flat=True).get(pk=inquiry.case_id)
    )
    case = case_get_for_viewer(
        viewer=viewer,
        receipt_number=receipt,
        channel=channel,
        purpose=f"inquiry {inquiry.reference_number} ({inquiry.verified_as}): {purpose}",
        fields="name",
    )
    party: Person | Representative = case.applicant
    if inquiry.verified_as == VerifiedAs.REPRESENTATIVE and case.representative is not None:
        party = case.representative
    return f"{party.given_name} {party.family_name}".strip()

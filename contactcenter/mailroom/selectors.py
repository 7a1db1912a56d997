"""Reads of the mail room, each scoped to who asks: office staff see their office's batches
and the letters routed to their office; supervisors and administrators see everything. A page,
letter or fax outside the viewer's scope is "not found", the same as a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from contactcenter.core.errors import NotFound
from contactcenter.inquiries.models import Inquiry
from contactcenter.mailroom.models import (
    Fax,
    FaxRequest,
    FaxState,
    Letter,
    PageState,
    ScanBatch,
    ScannedPage,
)
from contactcenter.mailroom.services import mailroom_root
from contactcenter.staff.access import SUPERVISOR_ROLES
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

Viewer = AbstractBaseUser | AnonymousUser


class NotMailRoomStaff(NotFound):
    pass


@dataclass(frozen=True, slots=True)
class Scope:
    everything: bool
    office_id: int = 0  # the viewer's office when not ``everything``


def viewer_scope(viewer: Viewer) -> Scope:
    """What the viewer may see of the mail room; ``NotMailRoomStaff`` for anyone else."""
    roles = user_roles(viewer) if viewer.is_authenticated else frozenset()
    if roles & SUPERVISOR_ROLES:
        return Scope(everything=True)
    profile = getattr(viewer, "staff_profile", None)
    office_id = getattr(profile, "office_id", None)
    if Role.OFFICE_STAFF in roles and office_id is not None:
        return Scope(everything=False, office_id=office_id)
    raise NotMailRoomStaff(_("The mail room is for office staff and supervisors."))


def _batches(scope: Scope) -> QuerySet[ScanBatch]:
    batches = ScanBatch.objects.all()
    return batches if scope.everything else batches.filter(office_id=scope.office_id)


def batches_recent(*, viewer: Viewer, limit: int = 20) -> list[ScanBatch]:
    scope = viewer_scope(viewer)
    return list(_batches(scope).select_related("created_by")[:limit])


def pages_waiting(*, viewer: Viewer, limit: int = 100) -> list[ScannedPage]:
    """Pages not yet part of a letter: being read, read (to confirm) or failed (with why)."""
    scope = viewer_scope(viewer)
    return list(
        ScannedPage.objects.filter(batch__in=_batches(scope))
        .exclude(state=PageState.CONFIRMED)
        .select_related("batch")
        .order_by("batch_id", "id")[:limit]
    )


def page_for_viewer(*, viewer: Viewer, page_id: int) -> ScannedPage:
    scope = viewer_scope(viewer)
    page = (
        ScannedPage.objects.filter(pk=page_id, batch__in=_batches(scope))
        .select_related("batch", "letter__inquiry")
        .first()
    )
    if page is None:
        raise NotFound(_("No such page."))
    return page


def page_image_path(*, viewer: Viewer, page_id: int) -> Path:
    page = page_for_viewer(viewer=viewer, page_id=page_id)
    if not page.image_path:
        raise NotFound(_("This page has not been drawn yet."))
    return mailroom_root() / page.image_path


def letters_for_office(*, viewer: Viewer, limit: int = 50) -> list[Letter]:
    """Letters routed to the viewer's office (all of them for a supervisor), newest first."""
    scope = viewer_scope(viewer)
    letters = Letter.objects.select_related("inquiry", "case", "office")
    if not scope.everything:
        letters = letters.filter(office_id=scope.office_id)
    return list(letters[:limit])


def letter_for_viewer(*, viewer: Viewer, letter_id: int) -> Letter:
    """A letter routed to the viewer's office (any, for a supervisor), with its pages."""
    scope = viewer_scope(viewer)
    letters = Letter.objects.select_related("inquiry", "case", "office")
    if not scope.everything:
        letters = letters.filter(office_id=scope.office_id)
    letter = letters.filter(pk=letter_id).first()
    if letter is None:
        raise NotFound(_("No such letter."))
    return letter


def letter_pages(*, letter: Letter) -> list[ScannedPage]:
    return list(letter.pages.order_by("id"))


def letter_page_image_path(*, viewer: Viewer, letter_id: int, page_id: int) -> Path:
    letter = letter_for_viewer(viewer=viewer, letter_id=letter_id)
    page = letter.pages.filter(pk=page_id).exclude(image_path="").first()
    if page is None:
        raise NotFound(_("No such page."))
    return mailroom_root() / page.image_path


def faxes_for_review(*, viewer: Viewer, limit: int = 100) -> list[Fax]:
    """Faxes waiting for a person (no cover sheet found, or could not be fetched) and faxes
    attached to an inquiry that never asked for one. Supervisors only."""
    if not viewer_scope(viewer).everything:
        raise NotMailRoomStaff(_("The fax review queue is for supervisors."))
    return list(
        Fax.objects.filter(
            Q(state__in=(FaxState.REVIEW, FaxState.FAILED)) | Q(unrequested=True)
        ).select_related("inquiry")[:limit]
    )


def fax_file_path(*, viewer: Viewer, fax_id: int) -> tuple[Fax, Path]:
    if not viewer_scope(viewer).everything:
        raise NotMailRoomStaff(_("The fax review queue is for supervisors."))
    fax = Fax.objects.filter(pk=fax_id).exclude(stored_path="").first()
    if fax is None:
        raise NotFound(_("No such fax."))
    return fax, mailroom_root() / fax.stored_path


@dataclass(frozen=True, slots=True)
class InquiryPaper:
    """What the workspace shows of an inquiry's paper: its letters' pages, its faxes, and
    whether a fax was asked for."""

    pages: tuple[ScannedPage, ...]
    faxes: tuple[Fax, ...]
    fax_requested: bool

    def __bool__(self) -> bool:
        return bool(self.pages or self.faxes or self.fax_requested)


def inquiry_paper(*, inquiry: Inquiry) -> InquiryPaper:
    """For a viewer the desk already let open the inquiry. Which of the three it has is asked
    in one query first: most inquiries have none, and every inquiry page asks."""
    here = OuterRef("pk")
    flags = (
        Inquiry.objects.filter(pk=inquiry.pk)
        .values_list(
            Exists(ScannedPage.objects.filter(letter__inquiry=here)),
            Exists(Fax.objects.filter(inquiry=here)),
            Exists(FaxRequest.objects.filter(inquiry=here)),
        )
        .first()
    )
    has_pages, has_faxes, fax_requested = flags or (False, False, False)
    pages = ScannedPage.objects.filter(letter__inquiry=inquiry).order_by("letter_id", "id")
    return InquiryPaper(
        pages=tuple(pages) if has_pages else (),
        faxes=tuple(Fax.objects.filter(inquiry=inquiry)) if has_faxes else (),
        fax_requested=fax_requested,
    )


def inquiry_page_image_path(*, inquiry: Inquiry, page_id: int) -> Path:
    page = ScannedPage.objects.filter(pk=page_id, letter__inquiry=inquiry).first()
    if page is None or not page.image_path:
        raise NotFound(_("No such page."))
    return mailroom_root() / page.image_path


def inquiry_fax_path(*, inquiry: Inquiry, fax_id: int) -> tuple[Fax, Path]:
    fax = Fax.objects.filter(pk=fax_id, inquiry=inquiry).exclude(stored_path="").first()
    if fax is None:
        raise NotFound(_("No such fax."))
    return fax, mailroom_root() / fax.stored_path

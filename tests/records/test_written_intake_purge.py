"""The retention purge and written contact: emails, scanned pages and faxes that never joined
an inquiry go a year after they arrived, and every file goes with the last record naming it
(after the commit; a file another record still names stays)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.intake.models import InboundAttachment, InboundEmail
from contactcenter.mailroom.models import Fax, ScanBatch, ScannedPage
from contactcenter.records.services import retention_purge
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


def _file(root, relative: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"content")


def _email(root, key: str, *, raw: str, days_old: int, inquiry=None) -> InboundEmail:
    _file(root, f"intake/{raw}")
    email = InboundEmail.objects.create(
        dedup_key=key, message_id=key, source="import", outcome="ignored", reason="bounce",
        sender="mailer@example.org", raw_path=raw, raw_sha256="0" * 64, inquiry=inquiry,
    )  # fmt: skip
    InboundEmail.objects.filter(pk=email.pk).update(
        received_at=timezone.now() - dt.timedelta(days=days_old)
    )
    return email


def test_unlinked_written_contact_goes_after_a_year_with_its_files(
    root, django_capture_on_commit_callbacks
):
    old = _email(root, "<old@x>", raw="raw/aa/old.eml", days_old=400)
    _file(root, "intake/attachments/aa/shared.pdf")
    InboundAttachment.objects.create(
        email=old, filename="a.pdf", declared_type="application/pdf", kind="pdf", size=7,
        sha256="0" * 64, stored_path="attachments/aa/shared.pdf",
    )  # fmt: skip
    recent = _email(root, "<recent@x>", raw="raw/bb/recent.eml", days_old=10)
    InboundAttachment.objects.create(  # the same file, named by a record that stays
        email=recent, filename="a.pdf", declared_type="application/pdf", kind="pdf", size=7,
        sha256="0" * 64, stored_path="attachments/aa/shared.pdf",
    )  # fmt: skip

    batch = ScanBatch.objects.create(created_by=StaffUserFactory(role=Role.SUPERVISOR))
    ScanBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    _file(root, "mailroom/scans/cc/letter.pdf")
    ScannedPage.objects.create(
        batch=batch, source_path="scans/cc/letter.pdf", source_kind="pdf", source_sha256="0" * 64
    )
    _file(root, "mailroom/faxes/dd/fax.pdf")
    fax = Fax.objects.create(
        provider="generic", provider_fax_id="f1", stored_path="faxes/dd/fax.pdf"
    )
    Fax.objects.filter(pk=fax.pk).update(received_at=timezone.now() - dt.timedelta(days=400))

    dry = retention_purge(dry_run=True)
    assert (dry.removed["email"], dry.removed["mail_scan"], dry.removed["fax"]) == (1, 1, 1)
    assert (root / "intake/raw/aa/old.eml").exists()  # a dry run removes no file either

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_purge()
    assert (report.removed["email"], report.removed["mail_scan"], report.removed["fax"]) == (
        1, 1, 1,
    )  # fmt: skip
    assert list(InboundEmail.objects.values_list("message_id", flat=True)) == ["<recent@x>"]
    assert not ScanBatch.objects.exists() and not Fax.objects.exists()
    assert not (root / "intake/raw/aa/old.eml").exists()
    assert not (root / "mailroom/scans/cc/letter.pdf").exists()
    assert not (root / "mailroom/faxes/dd/fax.pdf").exists()
    assert (root / "intake/raw/bb/recent.eml").exists()
    assert (root / "intake/attachments/aa/shared.pdf").exists()  # still named by the recent one

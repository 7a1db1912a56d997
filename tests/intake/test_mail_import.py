"""``contactcenter mail-import``: files through the same pipeline; again, nothing changes."""

from __future__ import annotations

import json
import mailbox
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contactcenter.inquiries.models import Inquiry
from contactcenter.intake.models import InboundEmail
from contactcenter.routing.models import WorkItem
from tests.intake.conftest import CORPUS, corpus

pytestmark = pytest.mark.usefixtures("mail_queues")


def run(*args) -> dict:
    out = StringIO()
    call_command("mail_import", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_corpus_folder_and_again():
    first = run(CORPUS)
    assert first == {
        "new_inquiries": 7,
        "replies_joined": 3,
        "ignored": 4,
        "refused": 0,
        "kept_aside": 1,
        "already_seen": 0,
        "reasons": {
            "ignored:auto_submitted": 1,
            "ignored:bounce": 1,
            "ignored:precedence": 2,
            "kept_aside:mime:StartBoundaryNotFoundDefect": 1,
        },
    }
    rows = (Inquiry.objects.count(), WorkItem.objects.count(), InboundEmail.objects.count())
    again = run(CORPUS)
    assert again["already_seen"] == 15
    assert sum(again[k] for k in ("new_inquiries", "replies_joined", "ignored", "refused")) == 0
    assert rows == (Inquiry.objects.count(), WorkItem.objects.count(), InboundEmail.objects.count())


def test_an_mbox_and_single_files(tmp_path):
    path = tmp_path / "archive.mbox"
    box = mailbox.mbox(path)
    for name in ("plain.eml", "reply_gmail.eml", "mailing_list.eml"):
        box.add(corpus(name))
    box.close()
    counts = run(path)
    assert (counts["new_inquiries"], counts["replies_joined"], counts["ignored"]) == (1, 1, 1)
    assert run(CORPUS / "plain.eml", CORPUS / "spanish.eml")["already_seen"] == 1


def test_refusals_are_counted_with_reasons(settings, tmp_path):
    settings.INTAKE_EMAIL_MAX_BYTES = 2048
    big = tmp_path / "big.eml"
    big.write_bytes(corpus("plain.eml") + b"z" * 4096)
    counts = run(big)
    assert counts["refused"] == 1 and counts["reasons"] == {"refused:too_large": 1}


def test_a_missing_path_is_a_clear_error_and_imports_nothing(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("mail_import", str(CORPUS / "plain.eml"), str(tmp_path / "nope.eml"))
    assert not InboundEmail.objects.exists()


def test_text_output(capsys):
    out = StringIO()
    call_command("mail_import", str(CORPUS / "plain.eml"), stdout=out)
    assert "new inquiries    1" in out.getvalue()

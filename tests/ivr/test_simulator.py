"""`contactcenter call`: the simulator drives the same webhooks, in-process or over HTTP."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_call_command_json_summary(ivr, known_case):
    receipt = known_case.receipt_number
    out = StringIO()
    call_command("call", "main", "--input", "2", "1", f"L I N {receipt[3:]}", "9", "--json",
                 stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["outcome"] == "self_served"
    assert summary["language"] == "es"
    assert summary["queue"] is None
    assert len(summary["inquiry_reference"]) == 10
    assert summary["transcript"][3]["caller"] == "[RECEIPT]"
    assert "I-485" in summary["transcript"][3]["ivr"]


def test_call_command_to_a_queue(ivr):
    out = StringIO()
    call_command("call", "intercountry-adoption", "--input", "3", "", "", "", "--json",
                 stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["outcome"] == "queued"
    assert summary["queue"] == "t1-intercountry-adoption"


def test_call_command_plain_output(ivr):
    out = StringIO()
    call_command("call", "main", "--input", "1", "2", "9", stdout=out)
    text = out.getvalue()
    assert "ivr [en]: Main menu." in text
    assert "you: 2" in text
    assert "-- outcome: self_served" in text


def test_call_command_reads_answers_one_per_line(ivr, monkeypatch):
    """Without --input the caller types answers (here piped); q hangs up."""
    monkeypatch.setattr("sys.stdin", StringIO("1\n4\nq\n"))
    out = StringIO()
    call_command("call", "main", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["outcome"] == "abandoned"  # hung up while waiting in line
    assert summary["queue"] == "t1-general-en"

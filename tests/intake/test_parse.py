"""The parser on its own: raw bytes in, what the pipeline needs out."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactcenter.intake.parse import (
    MalformedEmail,
    email_parse,
    headers_read,
    html_to_text,
    kind_sniff,
    language_detect,
    quoted_text_strip,
)
from tests.intake.conftest import corpus


def test_plain_message_ids_sender_and_text():
    parsed = email_parse(corpus("plain.eml"))
    assert parsed.message_id == "<plain-1.20261207@mail.example.net>"
    assert parsed.dedup_key == parsed.message_id
    assert parsed.sender == "jordan.smith@example.net"
    assert parsed.subject == "Question about my work permit application"
    assert "work permit application in March" in parsed.text
    assert parsed.language == "en"
    assert parsed.answerable and not parsed.machine and not parsed.is_bounce


def test_html_only_is_text_with_script_style_and_handlers_gone():
    parsed = email_parse(corpus("html_only.eml"))
    assert parsed.text == ""
    assert "change my biometrics appointment because I will be traveling." in parsed.html_text
    assert "Thanks & regards,\nAlex" in parsed.html_text
    for hostile in ("alert", "color: red", "steal", "<", "tracker"):
        assert hostile not in parsed.html_text
    assert "<script" not in parsed.html_safe and "onclick" not in parsed.html_safe


def test_spanish_headers_decoded_and_language_detected():
    parsed = email_parse(corpus("spanish.eml"))
    assert parsed.subject == "Consulta sobre mi solicitud de residencia – aún sin respuesta"
    assert "Presenté mi solicitud" in parsed.text and "¿Me pueden ayudar" in parsed.text
    assert parsed.language == "es"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hola, necesito ayuda con mi cita", "es"),
        ("Hello, I need help with my appointment", "en"),
        ("", "en"),
        ("12345", "en"),
    ],
)
def test_language_detect(text, language):
    assert language_detect(text) == language


def test_attachments_kind_comes_from_bytes_not_name():
    parsed = email_parse(corpus("multipart_attachments.eml"))
    assert [(a.filename, a.kind) for a in parsed.attachments] == [
        ("receipt-notice.pdf", "pdf"),
        ("card.png", "png"),
    ]
    disguised = email_parse(corpus("exe_as_pdf.eml")).attachments[0]
    assert (disguised.filename, disguised.declared_type, disguised.kind) == (
        "invoice.pdf",
        "application/pdf",
        "executable",
    )


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7", "pdf"),
        (b"PK\x03\x04rest", "zip"),
        (b"MZ\x90\x00", "executable"),
        (b"\x7fELF\x02", "executable"),
        (b"  <!DOCTYPE html><p>x", "html"),
        (b"plain words\n", "text"),
        (b"\x00\x01\x02binary", "unknown"),
    ],
)
def test_kind_sniff(content, kind):
    assert kind_sniff(content) == kind


@pytest.mark.parametrize(
    ("name", "machine"),
    [
        ("auto_reply.eml", "auto_submitted"),
        ("out_of_office.eml", "precedence"),
        ("mailing_list.eml", "precedence"),
        ("plain.eml", ""),
    ],
)
def test_machine_mail_is_recognised(name, machine):
    assert email_parse(corpus(name)).machine == machine


def _with_header(header: str) -> bytes:
    return corpus("plain.eml").replace(b"MIME-Version", header.encode() + b"\nMIME-Version", 1)


@pytest.mark.parametrize(
    ("header", "machine", "no_answer"),
    [
        ("Auto-Submitted: no", "", ""),
        ("Auto-Submitted: auto-generated", "auto_submitted", "auto_submitted"),
        ("Precedence: junk", "precedence", "precedence"),
        ("List-Id: <a.list.example>", "mailing_list", "mailing_list"),
        ("X-Auto-Response-Suppress: OOF, AutoReply", "", "auto_response_suppress"),
        ("X-Loop: robot@example.net", "", "x_loop"),
    ],
)
def test_loop_headers(header, machine, no_answer):
    parsed = email_parse(_with_header(header))
    assert (parsed.machine, parsed.no_answer, parsed.answerable) == (
        machine,
        no_answer,
        not no_answer,
    )


def test_empty_return_path_is_never_answered():
    raw = corpus("plain.eml").replace(
        b"Return-Path: <jordan.smith@example.net>", b"Return-Path: <>"
    )
    parsed = email_parse(raw)
    assert parsed.no_answer == "empty_return_path" and not parsed.answerable
    assert parsed.machine == ""  # a person's words still reach staff


def test_bounce_delivery_report_read():
    parsed = email_parse(corpus("bounce.eml"))
    assert parsed.is_bounce and not parsed.answerable
    [report] = parsed.delivery_reports
    assert (report.recipient, report.action, report.status) == (
        "gone.person@example.net",
        "failed",
        "5.1.1",
    )
    assert report.permanent_failure
    assert parsed.bounced_message_id == "<OUTBOUND-PLACEHOLDER@example.gov>"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (corpus("malformed.eml"), "mime:StartBoundaryNotFoundDefect"),
        (b"", "empty"),
        (b"Subject: no sender\n\nhello\n", "no_sender"),
    ],
)
def test_malformed_is_refused_with_a_reason(raw, reason):
    with pytest.raises(MalformedEmail) as caught:
        email_parse(raw)
    assert caught.value.reason == reason


def test_message_without_message_id_is_known_by_its_bytes():
    raw = corpus("plain.eml").replace(b"Message-ID: <plain-1.20261207@mail.example.net>\n", b"")
    parsed = email_parse(raw)
    assert parsed.message_id == ""
    assert parsed.dedup_key == "raw-sha256:" + parsed.raw_sha256


@pytest.mark.parametrize(
    ("name", "new_words"),
    [
        ("reply_gmail.eml", "I forgot to say: my receipt notice arrived on March 3."),
        ("reply_outlook.eml", "One more detail: my case was transferred to another office."),
        ("reply_apple.eml", "Is there any news?"),
    ],
)
def test_quoted_replies_keep_only_the_new_words(name, new_words):
    assert quoted_text_strip(email_parse(corpus(name)).text) == new_words


def test_spanish_quote_head_stripped():
    text = "Gracias.\n\nEl lun, 7 dic 2026 a las 8:01, Centro <c@example.gov> escribió:\n> Hola"
    assert quoted_text_strip(text) == "Gracias."


def test_headers_read_reads_only_the_header():
    headers = headers_read(corpus("plain.eml") + b"x" * 1000)
    assert headers.sender == "jordan.smith@example.net" and headers.answerable


def test_html_to_text_keeps_line_breaks():
    assert html_to_text("<p>one</p><p>two<br>three</p>") == "one\ntwo\nthree"


# --- Hostile bytes: the parser answers or refuses with a reason, never anything else ------


_HEADER_LINES = st.sampled_from(
    [
        b"From: a@example.org",
        b"From: =?utf-8?b?////?= <>",
        b"Subject: =?unknown-charset?q?x?=",
        b"Content-Type: multipart/mixed; boundary=b",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b",
        b"Content-Type: text/plain; charset=x-no-such-charset",
        b"Content-Transfer-Encoding: base64",
        b"Content-Transfer-Encoding: quoted-printable",
        b"Message-ID: <x@y>",
        b"In-Reply-To: <<<>>>",
        b"References: " + b"<a@b> " * 50,
        b" continuation",
        b"--b",
        b"--b--",
        b"Content-Type: message/delivery-status",
        b"Content-Type: message/rfc822",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.one_of(_HEADER_LINES, st.binary(max_size=40)), max_size=25),
    body=st.binary(max_size=300),
)
def test_any_bytes_parse_or_are_refused_with_a_reason(lines, body):
    raw = b"\n".join(lines) + b"\n\n" + body
    try:
        parsed = email_parse(raw)
    except MalformedEmail as refused:
        assert refused.reason
    else:
        assert parsed.sender and parsed.language in ("en", "es")

"""`contactcenter serve --port N`: links sent by text or email name the port the server runs
on, unless the deployment set its public address."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from contactcenter.core.management.commands import serve


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [("127.0.0.1", 8123, "http://127.0.0.1:8123"), ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
     ("::", 8000, "http://[::1]:8000"), ("::1", 8001, "http://[::1]:8001"),
     ("example.test", 8080, "http://example.test:8080")],
)  # fmt: skip
def test_local_base_url(host, port, expected):
    assert serve.local_base_url(host, port) == expected


@pytest.fixture
def children(monkeypatch):
    started: list[dict[str, str]] = []

    class Recording:
        def __init__(self, argv, say):
            self.argv = argv

        def run(self):
            started.append(dict(os.environ))

    monkeypatch.setattr(serve, "Supervisor", Recording)
    monkeypatch.setattr(serve, "static_files_ready", lambda: "")
    monkeypatch.setattr(serve, "chain_key_required", lambda: None)
    return started


def test_serve_tells_its_children_the_port(children, monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    try:
        call_command("serve", "--port", "8123", "--no-worker")
    finally:
        told = os.environ.pop("PUBLIC_BASE_URL", None)
    assert told == children[0]["PUBLIC_BASE_URL"] == "http://127.0.0.1:8123"


def test_a_public_address_set_by_the_deployment_is_kept(children, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://contact.agency.example")
    call_command("serve", "--port", "8123", "--no-worker")
    assert children[0]["PUBLIC_BASE_URL"] == "https://contact.agency.example"

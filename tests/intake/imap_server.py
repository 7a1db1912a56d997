"""A real IMAP server for the tests: pymap's in-memory backend in a subprocess, with STARTTLS
on a self-signed certificate the client is told to trust."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from contactcenter.intake.imap import MailboxSettings, imap_connect
from tests.intake.smtp_server import free_port

USER, PASSWORD = "intake", "intake-secret"


def certificate_make(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "imap-cert.pem", folder / "imap-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class ImapServer:
    process: subprocess.Popen
    config: MailboxSettings

    def client(self) -> IMAPClient:
        return imap_connect(self.config)

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        client = self.client()
        try:
            client.select_folder(folder)
            uids = client.search(["ALL"])
            return {uid: tuple(flags) for uid, flags in client.get_flags(uids).items()}
        finally:
            client.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def imap_start(folder: Path) -> ImapServer:
    cert, key = certificate_make(folder)
    port = free_port()
    pymap = Path(sys.executable).with_name("pymap")
    process = subprocess.Popen(
        [str(pymap), "--port", str(port), "--host", "127.0.0.1", "--cert", str(cert),
         "--key", str(key), "dict", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ},
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("pymap did not start") from None
            time.sleep(0.05)
    config = MailboxSettings(
        host="127.0.0.1", port=port, user=USER, password=PASSWORD, tls="starttls",
        ca_file=str(cert), batch=50,
    )  # fmt: skip
    return ImapServer(process=process, config=config)

"""Polling a mailbox over IMAP (imapclient, always over TLS).

Messages are taken a chunk at a time (``INTAKE_RECEIVE_CHUNK`` messages, at most
``RECEIVE_CHUNK_BYTES``): fetched in one command with ``BODY.PEEK[]`` (fetching does not mark
them seen), received through ``emails_receive`` (one transaction, a savepoint per message,
which commits), and only then marked seen or moved to the done folder, in one command. A
worker killed between the fetch and the commit leaves the chunk unmarked, so the next run
takes it again; one killed between the commit and the mark leaves messages the next run
recognises by their Message-ID ("already seen") and only marks. Nothing is lost and nothing
is counted twice.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django_tasks import task
from imapclient import IMAPClient
from imapclient.imapclient import SEEN

from contactcenter.intake.models import Source
from contactcenter.intake.services import RECEIVE_CHUNK_BYTES, ImportCounts, emails_receive

logger = logging.getLogger(__name__)

# Sizes are asked for this many chunks' worth of messages at a time (``_chunks``).
SIZE_WINDOW_CHUNKS = 4


class MailboxNotConfigured(Exception):
    pass


@dataclass(frozen=True, slots=True)
class MailboxSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    done_folder: str = ""
    tls: str = "implicit"  # or "starttls"
    ca_file: str = ""
    batch: int = 200
    chunk: int = 100  # messages received in one transaction

    @classmethod
    def from_settings(cls) -> MailboxSettings:
        if not settings.INTAKE_IMAP_HOST:
            raise MailboxNotConfigured("INTAKE_IMAP_HOST is not set.")
        return cls(
            host=settings.INTAKE_IMAP_HOST,
            port=settings.INTAKE_IMAP_PORT,
            user=settings.INTAKE_IMAP_USER,
            password=settings.INTAKE_IMAP_PASSWORD,
            folder=settings.INTAKE_IMAP_FOLDER,
            done_folder=settings.INTAKE_IMAP_DONE_FOLDER,
            tls=settings.INTAKE_IMAP_TLS,
            ca_file=settings.INTAKE_IMAP_CA_FILE,
            batch=settings.INTAKE_IMAP_BATCH,
            chunk=settings.INTAKE_RECEIVE_CHUNK,
        )


def imap_connect(config: MailboxSettings) -> IMAPClient:
    """A signed-in client; the server's certificate is checked (system CAs or ``ca_file``)."""
    context = ssl.create_default_context(cafile=config.ca_file or None)
    if config.tls == "implicit":
        client = IMAPClient(
            config.host, port=config.port, ssl=True, ssl_context=context, timeout=60
        )
    elif config.tls == "starttls":
        client = IMAPClient(config.host, port=config.port, ssl=False, timeout=60)
        client.starttls(context)
    else:
        raise MailboxNotConfigured("INTAKE_IMAP_TLS must be implicit or starttls.")
    client.login(config.user, config.password)
    return client


def _mark_done(client: IMAPClient, uids: list[int], config: MailboxSettings) -> None:
    if config.done_folder:
        client.move(uids, config.done_folder)
    else:
        client.add_flags(uids, [SEEN])


def _chunks(client: IMAPClient, uids: list[int], config: MailboxSettings) -> Iterator[list[int]]:
    """The UIDs in chunks of ``config.chunk`` messages and at most ``RECEIVE_CHUNK_BYTES``
    (a larger message alone), by the sizes the server gives, asked a window of a few chunks
    at a time: the first chunk of a large mailbox does not wait for every message's size, and
    a run that stops early has not asked for the rest."""
    window = max(config.chunk * SIZE_WINDOW_CHUNKS, 1)
    chunk: list[int] = []
    held = 0
    for start in range(0, len(uids), window):
        part = uids[start : start + window]
        sizes = {
            uid: int(data.get(b"RFC822.SIZE", 0))
            for uid, data in client.fetch(part, ["RFC822.SIZE"]).items()
        }
        for uid in part:
            size = sizes.get(uid, 0)
            if chunk and (len(chunk) >= config.chunk or held + size > RECEIVE_CHUNK_BYTES):
                yield chunk
                chunk, held = [], 0
            chunk.append(uid)
            held += size
    if chunk:
        yield chunk


def mailbox_poll(
    *,
    config: MailboxSettings | None = None,
    connect: Callable[[MailboxSettings], IMAPClient] = imap_connect,
) -> ImportCounts:
    """One run over the mailbox: at most ``batch`` messages, chunk by chunk received (one
    commit) then marked (one command)."""
    if connection.in_atomic_block:
        # Marking a message must follow its commit; inside a caller's transaction the commit
        # would come after the mark, and a crash between them would lose the message.
        raise RuntimeError("mailbox_poll must run outside a transaction")
    config = config or MailboxSettings.from_settings()
    counts = ImportCounts()
    client = connect(config)
    try:
        client.select_folder(config.folder)
        # With a done folder, anything still in the folder is unreceived; without one, the
        # unseen messages are (a person reading the mailbox in a mail client would hide a
        # message from us: use a done folder for a mailbox people also read).
        criteria = ["ALL"] if config.done_folder else ["UNSEEN"]
        uids = sorted(client.search(criteria))[: config.batch]
        for chunk in _chunks(client, uids, config) if uids else ():
            fetched = client.fetch(chunk, ["BODY.PEEK[]"])
            present = [
                (uid, bytes(raw))
                for uid in chunk
                # gone meanwhile (another poller moved it): nothing to do
                if (raw := fetched.get(uid, {}).get(b"BODY[]"))
            ]
            if not present:
                continue
            received = emails_receive(raws=[raw for _uid, raw in present], source=Source.IMAP)
            _mark_done(client, [uid for uid, _raw in present], config)  # after the commit
            for each in received:
                counts.add(each)
    finally:
        try:
            client.logout()
        except Exception:  # the connection is already gone; nothing to close cleanly
            logger.info("intake.imap_logout_failed")
    logger.info("intake.mailbox_polled", extra=counts.as_dict())
    return counts


@task()
def poll_mailbox() -> dict[str, object]:
    """The worker's task: one run over the mailbox, outside any transaction."""
    if not settings.INTAKE_IMAP_HOST:
        return {}
    return mailbox_poll().as_dict()

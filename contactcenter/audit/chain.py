"""The disclosure log's keyed-hash chain: how a row, a tombstone and the head are signed.

Each sealed row carries HMAC-SHA256(key, previous hash, its place, the row), so changing a
row, removing one or slipping one in breaks the chain at that point, and without the key
(kept outside the database, ``AUDIT_CHAIN_KEY`` or ``AUDIT_CHAIN_KEY_FILE``) nobody can
re-seal what they changed. Pure functions: the sealing job and the verifier both use them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64

# The columns a row is signed over, in this order (``values_list`` order for the verifier).
ROW_COLUMNS = (
    "id", "viewer_id", "system_actor", "case_id", "channel", "purpose", "fields", "outcome",
    "disclosed_at",
)  # fmt: skip


def chain_key() -> bytes:
    key = settings.AUDIT_CHAIN_KEY
    if not key:
        raise ImproperlyConfigured(
            "The disclosure log's chain key is not set: set AUDIT_CHAIN_KEY or "
            "AUDIT_CHAIN_KEY_FILE."
        )
    return key.encode()


@dataclass(frozen=True, slots=True)
class ChainRow:
    """One row as it is signed: the values of ``ROW_COLUMNS``."""

    id: int
    viewer_id: int | None
    system_actor: str
    case_id: int
    channel: str
    purpose: str
    fields: str
    outcome: str
    disclosed_at: dt.datetime

    def canonical(self) -> bytes:
        # JSON of a list: unambiguous whatever a purpose contains; the time in UTC with
        # microseconds, as both databases keep it.
        when = self.disclosed_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        values = [self.id, self.viewer_id, self.system_actor, self.case_id, self.channel,
                  self.purpose, self.fields, self.outcome, when]  # fmt: skip
        return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def _mac(key: bytes, *parts: bytes) -> str:
    return hmac.new(key, b"\x1e".join(parts), hashlib.sha256).hexdigest()


def row_hash(key: bytes, *, previous: str, seq: int, row: ChainRow) -> str:
    return _mac(key, b"row", previous.encode(), str(seq).encode(), row.canonical())


def tombstone_mac(key: bytes, *, entry_id: int, seq: int, chain_hash: str) -> str:
    return _mac(key, b"purged", str(entry_id).encode(), str(seq).encode(), chain_hash.encode())


def head_mac(key: bytes, *, seq: int, chain_hash: str, sealed_at: dt.datetime | None) -> str:
    when = sealed_at.astimezone(dt.UTC).isoformat(timespec="microseconds") if sealed_at else ""
    return _mac(key, b"head", str(seq).encode(), chain_hash.encode(), when.encode())


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())

"""Reads of the disclosure log: the chain's verification and a case's accounting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils import timezone

from contactcenter.audit.chain import (
    GENESIS,
    ROW_COLUMNS,
    ChainRow,
    chain_key,
    head_mac,
    row_hash,
    same,
    tombstone_mac,
)
from contactcenter.audit.models import ChainHead, DisclosureLog, PurgedDisclosure


class ProblemKind:
    CHANGED = "changed"  # a sealed row's content or hash is not what was sealed
    REMOVED = "removed"  # a place in the chain with neither a row nor a signed tombstone
    INSERTED = "inserted"  # a row the sealing job would never have sealed (backdated)
    UNSEALED = "unsealed"  # a row left unsealed longer than AUDIT_SEAL_MAX_DELAY_SECONDS
    TOMBSTONE = "tombstone"  # a tombstone whose signature does not hold
    HEAD = "head"  # the chain ends somewhere other than where the sealing job left it


@dataclass(frozen=True, slots=True)
class ChainProblem:
    kind: str
    chain_seq: int | None
    entry_id: int | None


@dataclass(slots=True)
class ChainReport:
    rows: int = 0
    tombstones: int = 0
    unsealed_recent: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


def disclosure_chain_verify(
    *,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 10_000,
    now: dt.datetime | None = None,
) -> ChainReport:
    """Check the whole chain: every sealed row recomputed from the one before, every gap
    covered by a signed tombstone, the end where the signed head says, and no row unsealed for
    longer than the sealing job allows. Streams the rows in chain order, so memory stays flat;
    ``progress(done, total)`` is called every ``progress_every`` rows.

    After a problem the walk carries on from the stored hash, so each changed, removed or
    inserted row is reported once and the rest are still checked."""
    key = chain_key()
    now = now or timezone.now()
    report = ChainReport()
    tombstones: dict[int, tuple[int, str, str]] = {}
    for entry_id, seq, chain_hash, mac in PurgedDisclosure.objects.values_list(
        "entry_id", "chain_seq", "chain_hash", "mac"
    ):
        if not same(mac, tombstone_mac(key, entry_id=entry_id, seq=seq, chain_hash=chain_hash)):
            report.problems.append(ChainProblem(ProblemKind.TOMBSTONE, seq, entry_id))
            continue
        tombstones[seq] = (entry_id, chain_hash, mac)
    report.tombstones = len(tombstones)

    sealed = DisclosureLog.objects.filter(chain_seq__isnull=False)
    total = sealed.count()
    expected, previous = 1, GENESIS

    def through_tombstones(up_to: int) -> None:
        nonlocal expected, previous
        while expected < up_to:
            if expected in tombstones:
                previous = tombstones[expected][1]
            else:
                report.problems.append(ChainProblem(ProblemKind.REMOVED, expected, None))
                previous = ""  # unknown: the next row cannot be linked, only resynchronised
            expected += 1

    columns = (*ROW_COLUMNS, "chain_seq", "chain_hash")
    rows = sealed.order_by("chain_seq").values_list(*columns).iterator(chunk_size=5000)
    for values in rows:
        seq, stored = values[-2], values[-1]
        through_tombstones(seq)
        if previous:
            computed = row_hash(key, previous=previous, seq=seq, row=ChainRow(*values[:-2]))
            if not same(computed, stored):
                report.problems.append(ChainProblem(ProblemKind.CHANGED, seq, values[0]))
        previous, expected = stored, seq + 1
        report.rows += 1
        if progress is not None and report.rows % progress_every == 0:
            progress(report.rows, total)
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None:
        through_tombstones(head.seq + 1)
        report.head_seq, report.head_hash = head.seq, head.chain_hash
        signed = same(
            head.mac,
            head_mac(key, seq=head.seq, chain_hash=head.chain_hash, sealed_at=head.sealed_at),
        )
        if not signed or expected != head.seq + 1 or (previous and previous != head.chain_hash):
            report.problems.append(ChainProblem(ProblemKind.HEAD, head.seq, None))
    elif total or tombstones:
        report.problems.append(ChainProblem(ProblemKind.HEAD, None, None))
    if progress is not None and report.rows % progress_every:
        progress(report.rows, total)

    max_delay = dt.timedelta(seconds=settings.AUDIT_SEAL_MAX_DELAY_SECONDS)
    unsealed = DisclosureLog.objects.filter(chain_seq__isnull=True)
    if head is not None and head.sealed_at is not None:
        for entry_id in unsealed.filter(disclosed_at__lt=head.sealed_at - max_delay).values_list(
            "id", flat=True
        ):
            report.problems.append(ChainProblem(ProblemKind.INSERTED, None, entry_id))
        unsealed = unsealed.filter(disclosed_at__gte=head.sealed_at - max_delay)
    for entry_id in unsealed.filter(disclosed_at__lt=now - max_delay).values_list("id", flat=True):
        report.problems.append(ChainProblem(ProblemKind.UNSEALED, None, entry_id))
    report.unsealed_recent = unsealed.filter(disclosed_at__gte=now - max_delay).count()
    return report


@dataclass(frozen=True, slots=True)
class DisclosureEntry:
    """One disclosure of a person's record, as the Privacy Act's accounting lists it."""

    id: int
    disclosed_at: dt.datetime
    case_id: int
    recipient: str  # the member of staff's username, or the service's name
    recipient_kind: str  # "staff" or "service"
    channel: str
    purpose: str
    fields: str
    outcome: str


def disclosures_for_cases(*, case_ids: Sequence[int]) -> list[DisclosureEntry]:
    """Every row of the log about these cases, oldest first. Called by ``cases.selectors``,
    which checks who may ask and logs the asking."""
    rows = (
        DisclosureLog.objects.filter(case_id__in=list(case_ids))
        .order_by("disclosed_at", "id")
        .values_list(
            "id",
            "disclosed_at",
            "case_id",
            "viewer__username",
            "system_actor",
            "channel",
            "purpose",
            "fields",
            "outcome",
        )
    )
    return [
        DisclosureEntry(
            id=entry_id,
            disclosed_at=when,
            case_id=case_id,
            recipient=username or actor,
            recipient_kind="staff" if username else "service",
            channel=channel,
            purpose=purpose,
            fields=fields,
            outcome=outcome,
        )
        for entry_id, when, case_id, username, actor, channel, purpose, fields, outcome in rows
    ]

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from contactcenter.audit.chain import (
    GENESIS,
    ROW_COLUMNS,
    ChainRow,
    chain_key,
    head_mac,
    row_hash,
    tombstone_mac,
)
from contactcenter.audit.models import (
    ChainHead,
    DisclosureLog,
    DisclosureOutcome,
    PurgedDisclosure,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def disclosure_record(
    *,
    viewer: User | None = None,
    system_actor: str = "",
    case_id: int,
    channel: str,
    purpose: str,
    fields: str,
    outcome: str = DisclosureOutcome.DISCLOSED,
) -> DisclosureLog:
    """One row of the disclosure log: a member of staff (``viewer``) or, for data a service
    used on its own, that service (``system_actor``, e.g. "ivr"), never neither. The case is
    named by id: the log sits below cases, whose selectors are its one writer.

    A refused read (``outcome="refused"``) names the case, the viewer, the channel and the
    stated purpose, and no fields: nothing was shown."""
    if viewer is None and not system_actor.strip():
        raise ValueError("a disclosure names a viewer or a system actor")
    if outcome not in DisclosureOutcome.values:
        raise ValueError(f"not a disclosure outcome: {outcome!r}")
    if outcome == DisclosureOutcome.REFUSED:
        fields = ""
    entry = DisclosureLog.objects.create(
        viewer=viewer, system_actor=system_actor.strip()[:40], case_id=case_id, channel=channel,
        purpose=purpose[:200], fields=fields[:200], outcome=outcome,
    )  # fmt: skip
    who = {"viewer_id": viewer.pk} if viewer else {"system_actor": entry.system_actor}
    logger.info(
        "audit.disclosure",
        extra={**who, "case_id": case_id, "channel": channel, "outcome": outcome},
    )
    return entry


def disclosures_record(
    *, viewer: User, case_ids: Sequence[int], channel: str, purpose: str, fields: str
) -> int:
    """One disclosure row per case, written in one statement: for a page that shows a little
    of many cases at once (a supervisor's list of contact journeys), so its cost does not grow
    with the rows shown. Returns how many rows were written."""
    unique = sorted(set(case_ids))
    if not unique:
        return 0
    DisclosureLog.objects.bulk_create(
        [
            DisclosureLog(
                viewer=viewer,
                case_id=case_id,
                channel=channel,
                purpose=purpose[:200],
                fields=fields[:200],
                outcome=DisclosureOutcome.DISCLOSED,
            )
            for case_id in unique
        ]
    )
    logger.info(
        "audit.disclosures",
        extra={"viewer_id": viewer.pk, "cases": len(unique), "channel": channel},
    )
    return len(unique)


def _head_locked() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(
            pk=1,
            defaults={"seq": 0, "chain_hash": GENESIS,
                      "mac": head_mac(chain_key(), seq=0, chain_hash=GENESIS, sealed_at=None)},
        )  # fmt: skip
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def disclosure_chain_seal(*, batch_size: int = 5000, now: dt.datetime | None = None) -> int:
    """Seal every committed row not yet in the chain, oldest id first; return how many.

    Run by the ``audit.seal`` periodic job and ``contactcenter audit-seal``. Writers never
    wait for it: a row is written unsealed and sealed here afterwards, in batches of
    ``batch_size``, each its own transaction holding the chain's head row. A row dated more
    than ``AUDIT_SEAL_MAX_DELAY_SECONDS`` before the previous seal cannot have been waiting for
    this job (it was inserted behind the writers' back, or backdated), so it is left
    unsealed, for ``audit-verify`` to report. Every run moves the head's time on (signed with
    the head), even with nothing to seal, so that line follows the job and not the last row."""
    key = chain_key()
    max_delay = dt.timedelta(seconds=settings.AUDIT_SEAL_MAX_DELAY_SECONDS)
    now = now or timezone.now()
    table = DisclosureLog._meta.db_table
    sealed = 0
    after_id = 0
    while True:
        with transaction.atomic():
            head = _head_locked()
            pending = DisclosureLog.objects.filter(chain_seq__isnull=True, id__gt=after_id)
            if head.sealed_at is not None:
                pending = pending.filter(disclosed_at__gte=head.sealed_at - max_delay)
            rows = list(pending.order_by("id").values_list(*ROW_COLUMNS)[:batch_size])
            if not rows:
                if not sealed:
                    head.sealed_at = now
                    head.mac = head_mac(key, seq=head.seq, chain_hash=head.chain_hash,
                                        sealed_at=now)  # fmt: skip
                    head.save(update_fields=["sealed_at", "mac"])
                break
            seq, previous = head.seq, head.chain_hash
            updates = []
            for values in rows:
                seq += 1
                previous = row_hash(key, previous=previous, seq=seq, row=ChainRow(*values))
                updates.append((seq, previous, values[0]))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET chain_seq = %s, chain_hash = %s WHERE id = %s",  # noqa: S608
                    updates,
                )
            head.seq, head.chain_hash, head.sealed_at = seq, previous, now
            head.mac = head_mac(key, seq=seq, chain_hash=previous, sealed_at=now)
            head.save()
        sealed += len(rows)
        after_id = rows[-1][0]
        if len(rows) < batch_size:
            break
    if sealed:
        logger.info("audit.chain_sealed", extra={"rows": sealed})
    return sealed


@transaction.atomic
def disclosure_rows_purge(*, entry_ids: Sequence[int]) -> int:
    """Remove sealed disclosure-log rows at the end of their retention, keeping the chain
    verifiable: each row first leaves a signed tombstone (its id, place and hash, nothing
    personal), which is also what lets the log's trigger allow the delete. Unsealed rows are
    left alone (they are new). Returns how many rows were removed."""
    key = chain_key()
    rows = [
        (entry_id, int(seq or 0), str(chain_hash))
        for entry_id, seq, chain_hash in DisclosureLog.objects.filter(
            pk__in=list(entry_ids), chain_seq__isnull=False
        )
        .order_by("chain_seq")
        .values_list("id", "chain_seq", "chain_hash")
    ]
    if not rows:
        return 0
    PurgedDisclosure.objects.bulk_create(
        [
            PurgedDisclosure(
                entry_id=entry_id,
                chain_seq=seq,
                chain_hash=chain_hash,
                mac=tombstone_mac(key, entry_id=entry_id, seq=seq, chain_hash=chain_hash),
            )
            for entry_id, seq, chain_hash in rows
        ]
    )
    table = DisclosureLog._meta.db_table
    ids = [row[0] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608
    logger.info("audit.disclosures_purged", extra={"rows": len(ids)})
    return len(ids)

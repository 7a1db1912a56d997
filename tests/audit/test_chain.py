"""The disclosure log's keyed-hash chain: sealing after commit, and ``audit-verify`` finding
every changed, removed or inserted row, each tampering done with raw SQL behind the trigger."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from contactcenter.audit.chain import GENESIS
from contactcenter.audit.models import ChainHead, DisclosureLog, PurgedDisclosure
from contactcenter.audit.selectors import ProblemKind, disclosure_chain_verify
from contactcenter.audit.services import (
    disclosure_chain_seal,
    disclosure_record,
    disclosure_rows_purge,
)
from tests.audit.tampering import raw
from tests.factories import CaseFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

TABLE = DisclosureLog._meta.db_table


@pytest.fixture
def rows():
    case = CaseFactory()
    viewer = StaffUserFactory()
    made = [
        disclosure_record(
            viewer=viewer,
            case_id=case.pk,
            channel="desk",
            purpose=f"inquiry {n}",
            fields="name,address",
        )
        for n in range(6)
    ]
    assert disclosure_chain_seal() == 6
    return [entry.pk for entry in made]


def kinds(report) -> list[tuple[str, int | None]]:
    return [(problem.kind, problem.entry_id) for problem in report.problems]


def test_sealed_rows_verify_and_carry_their_place(rows):
    report = disclosure_chain_verify()
    assert report.ok and report.rows == 6 and report.head_seq == 6
    seqs = list(DisclosureLog.objects.order_by("id").values_list("chain_seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert disclosure_chain_seal() == 0  # nothing twice


def test_rows_written_later_are_sealed_onto_the_same_chain(rows):
    entry = disclosure_record(system_actor="ivr", case_id=CaseFactory().pk, channel="phone",
                              purpose="link", fields="email")  # fmt: skip
    assert disclosure_chain_verify().unsealed_recent == 1
    assert disclosure_chain_seal() == 1
    entry.refresh_from_db()
    assert entry.chain_seq == 7
    assert disclosure_chain_verify().ok


def test_a_changed_row_is_found(rows):
    raw(f"UPDATE {TABLE} SET purpose = 'nothing to see' WHERE id = %s", [rows[2]])
    report = disclosure_chain_verify()
    assert kinds(report) == [(ProblemKind.CHANGED, rows[2])]


def test_a_changed_time_is_found(rows):
    later = timezone.now() + dt.timedelta(seconds=1)
    DisclosureLog.objects.filter(pk=rows[1]).values_list("disclosed_at", flat=True)
    raw(f"UPDATE {TABLE} SET disclosed_at = %s WHERE id = %s", [later, rows[1]])
    assert kinds(disclosure_chain_verify()) == [(ProblemKind.CHANGED, rows[1])]


def test_a_resealed_row_is_found_without_the_key(rows):
    """Someone who changes a row and recomputes its hash with a key of their own."""
    raw(f"UPDATE {TABLE} SET purpose = 'x' WHERE id = %s", [rows[3]])
    with override_settings(AUDIT_CHAIN_KEY="a key the attacker chose"):
        from contactcenter.audit.chain import ROW_COLUMNS, ChainRow, row_hash

        values = DisclosureLog.objects.filter(pk=rows[3]).values_list(*ROW_COLUMNS).get()
        previous = DisclosureLog.objects.get(pk=rows[2]).chain_hash
        forged = row_hash(b"a key the attacker chose", previous=previous, seq=4,
                          row=ChainRow(*values))  # fmt: skip
    raw(f"UPDATE {TABLE} SET chain_hash = %s WHERE id = %s", [forged, rows[3]])
    # The forged hash fails, and the next row no longer links to what is stored before it.
    assert kinds(disclosure_chain_verify()) == [
        (ProblemKind.CHANGED, rows[3]),
        (ProblemKind.CHANGED, rows[4]),
    ]


def test_a_removed_row_is_found(rows):
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [rows[2]])
    report = disclosure_chain_verify()
    assert [(p.kind, p.chain_seq) for p in report.problems] == [(ProblemKind.REMOVED, 3)]


def test_removing_the_newest_rows_is_found_by_the_head(rows):
    raw(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [rows[4], rows[5]])
    report = disclosure_chain_verify()
    assert [(p.kind, p.chain_seq) for p in report.problems] == [
        (ProblemKind.REMOVED, 5),
        (ProblemKind.REMOVED, 6),
    ]


def test_a_backdated_row_slipped_in_is_never_sealed_and_is_found(rows):
    case_id = DisclosureLog.objects.get(pk=rows[0]).case_id
    viewer_id = DisclosureLog.objects.get(pk=rows[0]).viewer_id
    earlier = timezone.now() - dt.timedelta(days=30)
    raw(
        f"INSERT INTO {TABLE} (viewer_id, system_actor, case_id, channel, purpose, fields, "
        "outcome, disclosed_at) VALUES (%s, '', %s, 'desk', 'made up', 'name', 'disclosed', %s)",
        [viewer_id, case_id, earlier],
        bypass=False,
    )
    inserted = DisclosureLog.objects.order_by("-id").values_list("id", flat=True)[0]
    assert disclosure_chain_seal() == 0
    assert kinds(disclosure_chain_verify()) == [(ProblemKind.INSERTED, inserted)]


def test_a_row_inserted_with_a_made_up_place_is_found(rows):
    case_id = DisclosureLog.objects.get(pk=rows[0]).case_id
    raw(
        f"INSERT INTO {TABLE} (viewer_id, system_actor, case_id, channel, purpose, fields, "
        "outcome, disclosed_at, chain_seq, chain_hash) VALUES "
        "(NULL, 'ivr', %s, 'phone', 'made up', 'email', 'disclosed', %s, 7, %s)",
        [case_id, timezone.now(), "ab" * 32],
        bypass=False,
    )
    found = [p.kind for p in disclosure_chain_verify().problems]
    assert ProblemKind.CHANGED in found and ProblemKind.HEAD in found


def test_an_old_unsealed_row_is_reported_once_the_delay_has_passed(rows):
    disclosure_record(system_actor="ivr", case_id=CaseFactory().pk, channel="phone",
                      purpose="link", fields="email")  # fmt: skip
    later = timezone.now() + dt.timedelta(hours=2)
    with override_settings(AUDIT_SEAL_MAX_DELAY_SECONDS=900):
        assert [p.kind for p in disclosure_chain_verify(now=later).problems] == [
            ProblemKind.UNSEALED
        ]


def test_the_trigger_lets_a_row_be_sealed_once_and_nothing_else(rows):
    for statement in (
        f"UPDATE {TABLE} SET chain_hash = 'x' WHERE id = {rows[0]}",
        f"UPDATE {TABLE} SET chain_seq = NULL, chain_hash = NULL WHERE id = {rows[0]}",
        f"DELETE FROM {TABLE} WHERE id = {rows[0]}",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(statement, bypass=False)
    unsealed = disclosure_record(system_actor="ivr", case_id=CaseFactory().pk, channel="phone",
                                 purpose="link", fields="email")  # fmt: skip
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"UPDATE {TABLE} SET chain_seq = 99, chain_hash = 'x', purpose = 'y' "
            f"WHERE id = {unsealed.pk}", bypass=False)  # fmt: skip
    assert disclosure_chain_verify().ok


def test_a_purged_row_leaves_a_signed_tombstone_and_the_chain_holds(rows):
    assert disclosure_rows_purge(entry_ids=[*rows[:2], rows[4]]) == 3
    assert not DisclosureLog.objects.filter(pk__in=[*rows[:2], rows[4]]).exists()
    assert PurgedDisclosure.objects.count() == 3
    assert disclosure_chain_verify().ok
    # The newest row purged too: the head is reached through tombstones.
    assert disclosure_rows_purge(entry_ids=[rows[5]]) == 1
    assert disclosure_chain_verify().ok


def test_a_forged_tombstone_does_not_hide_a_removed_row(rows):
    entry = DisclosureLog.objects.get(pk=rows[2])
    raw(
        "INSERT INTO audit_purgeddisclosure (entry_id, chain_seq, chain_hash, mac, purged_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        [entry.pk, entry.chain_seq, entry.chain_hash, "00" * 32, timezone.now()],
        bypass=False,
    )
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk], bypass=False)  # the trigger allows
    found = [p.kind for p in disclosure_chain_verify().problems]
    assert found == [ProblemKind.TOMBSTONE, ProblemKind.REMOVED]


def test_another_key_breaks_every_row(rows):
    with override_settings(AUDIT_CHAIN_KEY="not the key"):
        report = disclosure_chain_verify()
    assert [p.kind for p in report.problems] == [ProblemKind.CHANGED] * 6 + [ProblemKind.HEAD]


def test_the_head_is_signed(rows):
    ChainHead.objects.filter(pk=1).update(seq=4, chain_hash=DisclosureLog.objects.get(
        pk=rows[3]).chain_hash)  # fmt: skip
    raw(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [rows[4], rows[5]])
    assert [p.kind for p in disclosure_chain_verify().problems] == [ProblemKind.HEAD]


def test_verify_command_json_and_exit_status(rows, capsys):
    call_command("audit_verify", "--json", "--quiet")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["rows"] == 6 and report["problems"] == []
    raw(f"UPDATE {TABLE} SET fields = 'name' WHERE id = %s", [rows[0]])
    with pytest.raises(CommandError, match="1 problems"):
        call_command("audit_verify", "--json", "--quiet")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problems"] == [{"kind": "changed", "chain_seq": 1, "entry_id": rows[0]}]


def test_verify_shows_progress_on_long_runs(rows):
    seen: list[tuple[int, int]] = []
    disclosure_chain_verify(progress=lambda done, total: seen.append((done, total)),
                            progress_every=4)  # fmt: skip
    assert seen == [(4, 6), (6, 6)]


def test_seal_command(capsys):
    disclosure_record(system_actor="ivr", case_id=CaseFactory().pk, channel="phone",
                      purpose="link", fields="email")  # fmt: skip
    call_command("audit_seal")
    assert "Sealed 1 rows" in capsys.readouterr().out
    head = ChainHead.objects.get()
    assert head.seq == 1 and head.chain_hash != GENESIS


def test_sealing_runs_as_a_periodic_job():
    from contactcenter.core.periodic import periodic_jobs

    assert "audit.seal" in {job.name for job in periodic_jobs()}


@pytest.mark.parametrize(
    ("debug", "key", "deploy", "found"),
    [
        (False, "", True, ["audit.E001", "audit.W001"]),
        (False, "", False, ["audit.W001"]),
        (False, "k", True, []),
        (True, "", True, []),
    ],
)
def test_a_production_deploy_check_refuses_no_key(debug, key, deploy, found):
    with override_settings(DEBUG=debug, AUDIT_CHAIN_KEY=key):
        messages = run_checks(include_deployment_checks=deploy)
    assert sorted(m.id for m in messages if m.id.startswith("audit.")) == found


def test_check_deploy_fails_without_a_key_and_passes_with_one(tmp_path):
    """The command a production install runs, in its own process, as production would."""
    import os
    import subprocess
    import sys

    key_file = tmp_path / "chain.key"
    key_file.write_text("a key from a file\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIT_CHAIN_KEY")}
    env.update({"DEBUG": "false", "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3"),
                "VAR_DIR": str(tmp_path)})  # fmt: skip
    command = [sys.executable, "-m", "contactcenter.cli", "check", "--deploy",
               "--fail-level", "ERROR"]  # fmt: skip
    refused = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert refused.returncode != 0 and "audit.E001" in refused.stderr
    env["AUDIT_CHAIN_KEY_FILE"] = str(key_file)
    allowed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert "audit.E001" not in allowed.stderr and "audit.W001" not in allowed.stderr


def test_sealing_without_a_key_says_so():
    from django.core.exceptions import ImproperlyConfigured

    disclosure_record(system_actor="ivr", case_id=CaseFactory().pk, channel="phone",
                      purpose="link", fields="email")  # fmt: skip
    with override_settings(AUDIT_CHAIN_KEY=""), pytest.raises(ImproperlyConfigured):
        disclosure_chain_seal()
    assert connection.vendor in {"sqlite", "postgresql"}


def test_every_seal_run_moves_the_signed_head_on_so_a_backdated_row_cannot_slip_in(rows):
    """Hours after the last row, a row dated between that row and the last run of the job is
    one the job would have sealed already: it is left unsealed and reported."""
    last_row_at = DisclosureLog.objects.get(pk=rows[-1]).disclosed_at
    later = timezone.now() + dt.timedelta(hours=3)
    assert disclosure_chain_seal(now=later) == 0
    assert ChainHead.objects.get().sealed_at == later
    case_id = DisclosureLog.objects.get(pk=rows[0]).case_id
    raw(
        f"INSERT INTO {TABLE} (viewer_id, system_actor, case_id, channel, purpose, fields, "
        "outcome, disclosed_at) VALUES (NULL, 'ivr', %s, 'phone', 'made up', 'email', "
        "'disclosed', %s)",
        [case_id, last_row_at + dt.timedelta(minutes=5)],
        bypass=False,
    )
    inserted = DisclosureLog.objects.order_by("-id").values_list("id", flat=True)[0]
    assert disclosure_chain_seal(now=later + dt.timedelta(minutes=1)) == 0
    report = disclosure_chain_verify(now=later + dt.timedelta(minutes=1))
    assert kinds(report) == [(ProblemKind.INSERTED, inserted)]


def test_moving_the_heads_time_back_breaks_its_signature(rows):
    head = ChainHead.objects.get()
    ChainHead.objects.filter(pk=head.pk).update(sealed_at=head.sealed_at - dt.timedelta(days=9))
    assert [p.kind for p in disclosure_chain_verify().problems] == [ProblemKind.HEAD]

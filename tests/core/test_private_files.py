"""Files under the private root: kept once by content, readable by the owner only, removed
after the commit only when no record still names them and never outside the root."""

from __future__ import annotations

import stat

import pytest

from contactcenter.core.private_files import file_forget_on_commit, file_keep

pytestmark = pytest.mark.django_db


def test_the_same_bytes_are_one_file_for_the_owner_only(tmp_path):
    first = file_keep(tmp_path, b"letter", folder="scans", suffix=".pdf")
    again = file_keep(tmp_path, b"letter", folder="scans", suffix=".pdf")
    assert first == again and first.startswith("scans/") and first.endswith(".pdf")
    kept = tmp_path / first
    assert kept.read_bytes() == b"letter"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no .part left behind


def test_forget_waits_for_the_commit_and_spares_named_and_outside_files(
    tmp_path, django_capture_on_commit_callbacks
):
    named = file_keep(tmp_path, b"named", folder="a", suffix=".eml")
    loose = file_keep(tmp_path, b"loose", folder="a", suffix=".eml")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_bytes(b"not ours")
    with django_capture_on_commit_callbacks(execute=True):
        file_forget_on_commit(root=tmp_path, relative=named, kind="t", still_named=lambda p: True)
        file_forget_on_commit(root=tmp_path, relative=loose, kind="t", still_named=lambda p: False)
        file_forget_on_commit(
            root=tmp_path, relative=f"../{outside.name}", kind="t", still_named=lambda p: False
        )
        assert (tmp_path / loose).exists()  # nothing before the commit
    assert (tmp_path / named).exists() and not (tmp_path / loose).exists()
    assert outside.exists()

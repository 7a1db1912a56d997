"""Project-wide guarantees: migrations match models, production settings pass the deploy
check, the console script maps dashed command names."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from contactcenter.cli import command_line, dashed


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()} ({exit_})")


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x7Qp-" + "k" * 20 + "Zr9#mW2vL8s!Tq4" + "y" * 20,
        "ALLOWED_HOSTS": "contact.example.gov",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "contactcenter.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_secret_key_is_private_and_stable(tmp_path):
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
    }
    env.pop("SECRET_KEY", None)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_dashed_command_names():
    """Typed and listed with dashes, as the README spells them; underscores still work."""
    assert command_line(["import-cases", "file-name.csv"]) == [
        "contactcenter",
        "import-cases",
        "file-name.csv",
    ]
    assert dashed("[cases]\n    import_cases\n    import_processing_times\n") == (
        "[cases]\n    import-cases\n    import-processing-times\n"
    )

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "contactcenter.cli", *args],
            capture_output=True, text=True, check=True, env={**os.environ, "DEBUG": "true"},
        )  # fmt: skip
        return done.stdout

    listing = run("--help")
    assert "    import-cases\n" in listing and "import_cases" not in listing
    assert "    flow-graph\n" in listing
    assert run("import-cases", "--help").startswith("usage: contactcenter import-cases ")
    assert run("help", "flow-graph").startswith("usage: contactcenter flow-graph ")
    assert run("import_cases", "--help").startswith("usage: contactcenter import_cases ")

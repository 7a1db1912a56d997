"""Lighthouse on every public page, in English and Spanish, in the production configuration.

Setup: Lighthouse from npm, pinned, installed by this script into its own folder
(``var/bench/lighthouse``, never the project's node_modules); a fresh SQLite database,
``migrate``, ``seed --seed 1``, ``collectstatic`` into a temporary folder (WhiteNoise's
compressed manifest storage, as in production), then the product's ASGI application under
uvicorn with DEBUG off. Lighthouse runs with its default mobile settings (a mid-range phone,
simulated slow 4G, 4x CPU slowdown) and Debian's Chromium, one page at a time; the Spanish
pages are asked for with ``Accept-Language: es``, as a browser set to Spanish does, and each
page's ``<html lang>`` is checked before it is measured.

Prints a table (page, language, the four category scores, cumulative layout shift, first
contentful paint) on stderr, and one JSON line per page and language on stdout and in
``bench/results/latest.jsonl`` with the performance score as ``value`` and the target (95) as
``baseline`` (there is no same-run baseline for a page score: the target is the bar). Exit
status 1 if a page misses a target: performance 95, accessibility 100, best practices 100,
SEO 95, CLS under 0.05.

    .venv/bin/python bench/lighthouse.py                  # every page, both languages
    .venv/bin/python bench/lighthouse.py --pages home --languages en

Needs node (18 or later) with npm and /usr/bin/chromium. Scores move by a point or two
between runs on a shared machine (the simulated throttling works from measured timings).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from case_status import PROJECT_DIR, PYTHON, free_port, progress, run  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"  # the last line for node 20; 13 needs node 22
LIGHTHOUSE_DIR = PROJECT_DIR / "var" / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
THEME = PROJECT_DIR / "contactcenter" / "static" / "theme" / "styles.css"
MANAGE = [PYTHON, str(PROJECT_DIR / "manage.py")]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 95}
CLS_TARGET = 0.05
LANGUAGES = ("en", "es")

# The public pages, by the name the table shows. {receipt} and {event} are filled from the
# seeded database (a case's receipt number; the first event the events page lists).
PAGES = {
    "home": "/",
    "case status": "/case-status/",
    "case status result": "/case-status/?receipt_number={receipt}",
    "processing times": "/processing-times/",
    "one form's times": "/processing-times/?form=I-765",
    "contact": "/contact/",
    "events": "/events/",
    "event": "/events/{event}/",
    "feedback": "/feedback/",
    "account help": "/account-help/",
    "sign in": "/accounts/login/",
    "sign up": "/accounts/signup/",
}


def install_lighthouse() -> None:
    """npm's lighthouse, pinned, into var/bench/lighthouse (kept between runs)."""
    if LIGHTHOUSE.exists():
        installed = json.loads(
            (LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json").read_text()
        )["version"]
        if installed == LIGHTHOUSE_VERSION:
            return
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    run(
        ["npm", "install", "--prefix", str(LIGHTHOUSE_DIR), "--no-audit", "--no-fund",
         "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"],
        dict(os.environ),
        f"npm install lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR}",
    )  # fmt: skip


def production_env(workdir: Path) -> dict[str, str]:
    """DEBUG off, as deployed, on a database and static folder of this run's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "VAR_DIR", "STATIC_ROOT"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
            "VAR_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),  # production refuses to start without
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on 127.0.0.1; TLS is the proxy's job
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The chat widget as in open hours (live help offered), at any hour of the run.
            "LIVE_HELP_ALWAYS_OPEN": "true",
        }
    )
    return env


class Server:
    """uvicorn on the project's ASGI application, run from the project folder (so this
    checkout's code and templates are the ones served)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "uvicorn", "contactcenter.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--lifespan", "off", "--log-level", "warning",
             "--no-access-log"],
            env=env, cwd=PROJECT_DIR, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"bench: the server did not start; see {log}")
            time.sleep(0.2)

    def get(self, path: str, language: str) -> str:
        request = urllib.request.Request(self.base + path, headers={"Accept-Language": language})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return str(answer.read().decode())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def lighthouse(url: str, language: str, report: Path) -> dict[str, Any]:
    """One Lighthouse run with its default (mobile) settings; the figures the table shows."""
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--only-categories={','.join(CATEGORIES)}",
        "--extra-headers", json.dumps({"Accept-Language": language}),
    ]  # fmt: skip
    for attempt in (1, 2):  # a trace without a navigation start now and then: run it again
        subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, timeout=180)
        result = json.loads(report.read_text()) if report.exists() else {}
        if (
            result
            and not result.get("runtimeError")
            and all(result["categories"][c]["score"] is not None for c in CATEGORIES)
        ):
            break
        progress(f"lighthouse: {url} ({language}) gave no scores, attempt {attempt}")
    else:
        raise SystemExit(f"bench: Lighthouse could not measure {url}; see {report}")
    audits = result["audits"]
    failing = sorted(
        audit_id
        for category in CATEGORIES
        for ref in result["categories"][category]["auditRefs"]
        if ref["weight"] > 0
        and (audit_id := ref["id"])
        and audits[audit_id]["score"] is not None
        and audits[audit_id]["score"] < 1
        and category != "performance"
    )
    return {
        **{c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES},
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "failing_audits": failing,
        "lighthouse": result["lighthouseVersion"],
    }


def misses(row: dict[str, Any]) -> list[str]:
    missed = [f"{c} {row[c]} < {TARGETS[c]}" for c in CATEGORIES if row[c] < TARGETS[c]]
    if row["cls"] >= CLS_TARGET:
        missed.append(f"CLS {row['cls']} >= {CLS_TARGET}")
    return missed


def table(rows: list[dict[str, Any]]) -> str:
    head = ("page", "lang", "perf", "a11y", "best pr.", "SEO", "CLS", "FCP")
    lines = [head] + [
        (r["page"], r["language"], str(r["performance"]), str(r["accessibility"]),
         str(r["best-practices"]), str(r["seo"]), f"{r['cls']:.3f}", f"{r['fcp_ms'] / 1000:.1f} s")
        for r in rows
    ]  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--pages", type=lambda s: s.split(","), default=list(PAGES),
        help="comma-separated page names (default: all): " + ", ".join(PAGES),
    )  # fmt: skip
    parser.add_argument("--languages", type=lambda s: s.split(","), default=list(LANGUAGES))
    parser.add_argument("--artifacts", type=Path, default=PROJECT_DIR / "var" / "bench")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    args = parser.parse_args(argv)
    unknown = [p for p in args.pages if p not in PAGES] + [
        lang for lang in args.languages if lang not in LANGUAGES
    ]
    if unknown:
        parser.error(f"unknown page or language: {', '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    if not CHROMIUM.exists():
        raise SystemExit("bench: Debian's chromium is missing (make browser installs it)")
    if not THEME.exists():
        raise SystemExit(f"bench: {THEME.relative_to(PROJECT_DIR)} is missing: run make deps")
    install_lighthouse()
    args.artifacts.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as tmp:
        workdir = Path(tmp)
        env = production_env(workdir)
        run([*MANAGE, "migrate", "--no-input"], env, "migrate")
        run([*MANAGE, "seed", "--seed", "1"], env, "seed")
        run([*MANAGE, "collectstatic", "--no-input"], env, "collectstatic")
        receipt = run(
            [*MANAGE, "shell", "-c", "from contactcenter.cases.models import Case; "
             "print(Case.objects.order_by('id').values_list('receipt_number', flat=True)[0])"],
            env, "read a receipt number",
        ).strip().splitlines()[-1]  # fmt: skip
        server = Server(env, args.artifacts / "server-lighthouse.log")
        try:
            found = re.search(r'href="/events/(\d+)/"', server.get("/events/", "en"))
            if found is None:
                raise SystemExit("bench: the events page lists no event to measure")
            for name in args.pages:
                path = PAGES[name].format(receipt=receipt, event=found.group(1))
                for language in args.languages:
                    page = server.get(path, language)
                    if f'<html lang="{language}">' not in page:
                        raise SystemExit(f"bench: {path} did not answer in {language!r}")
                    report = args.artifacts / f"lighthouse-{name.replace(' ', '-')}-{language}.json"
                    row = {"page": name, "language": language, "path": path}
                    row.update(lighthouse(server.base + path, language, report))
                    rows.append(row)
                    progress(
                        f"{name} ({language}): performance {row['performance']}, "
                        f"accessibility {row['accessibility']}, best practices "
                        f"{row['best-practices']}, SEO {row['seo']}, CLS {row['cls']}, "
                        f"FCP {row['fcp_ms']} ms"
                    )
        finally:
            server.stop()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w") as out:
        for row in rows:
            line = {
                "bench": "lighthouse",
                "metric": f"performance {row['page']} ({row['language']})",
                "value": row["performance"],
                "baseline": TARGETS["performance"],
                "ratio": round(row["performance"] / TARGETS["performance"], 3),
                "unit": "score",
                "database": "sqlite",
                "detail": {k: v for k, v in row.items() if k not in {"performance"}},
            }
            text = json.dumps(line)
            print(text, flush=True)
            out.write(text + "\n")
    print(table(rows), file=sys.stderr)
    elapsed = time.monotonic() - started
    progress(f"{len(rows)} pages measured in {elapsed:.0f}s; reports in {args.artifacts}")
    missed = [f"{r['page']} ({r['language']}): {', '.join(m)}" for r in rows if (m := misses(r))]
    if missed:
        print("FAIL: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fixtures shared across the test suite."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import fcntl
import importlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_migrate
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from contactcenter.cases.reference_data import ReferenceDataSummary, reference_data_load
from contactcenter.routing.models import Agent, Presence
from contactcenter.routing.reference_data import queues_load
from tests.contact_events import contact_events  # noqa: F401 (a fixture for every test)

# Property tests check what comes out, never how long it took: a busy machine (the suite runs
# on every core) made a 0.06 ms example take 290 ms once and fail Hypothesis' 200 ms deadline.
hypothesis_settings.register_profile("contactcenter", deadline=None)
hypothesis_settings.load_profile("contactcenter")

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_AUDIT_CHAIN_KEY = "test-only-audit-chain-key-never-used-outside-tests"


def pytest_configure(config):
    """Settings for the whole run, set once before any test.

    Password hashing is slow on purpose (PBKDF2, a million rounds); every factory-made user
    and every sign-in would pay for it. Tests that are about hashing set their own hasher.

    Under pytest-xdist (``make test`` runs one worker per core) each worker already has its own
    test database (pytest-django adds ``_gw0``, ``_gw1``); it gets its own Redis database too,
    the number in ``REDIS_URL`` plus the worker's index, because tests empty the cache (a
    FLUSHDB) and count rate limits in it. Subprocesses started by tests inherit the worker's
    ``REDIS_URL``.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    overrides: dict = {"PASSWORD_HASHERS": FAST_PASSWORD_HASHERS}
    # The disclosure log's chain key, for this process and the servers tests start.
    os.environ.setdefault("AUDIT_CHAIN_KEY", TEST_AUDIT_CHAIN_KEY)
    overrides["AUDIT_CHAIN_KEY"] = os.environ["AUDIT_CHAIN_KEY"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and settings.REDIS_URL:
        worker_url = redis_url_for_worker(settings.REDIS_URL, int(worker[2:]))
        overrides["REDIS_URL"] = worker_url
        overrides["CACHES"] = _url_replaced(settings.CACHES, settings.REDIS_URL, worker_url)
        overrides["CHANNEL_LAYERS"] = _url_replaced(
            settings.CHANNEL_LAYERS, settings.REDIS_URL, worker_url
        )
        os.environ["REDIS_URL"] = worker_url
    # Never disabled: it holds for the life of this process. setting_changed resets the
    # hashers, caches and channel layers Django or Channels may have built already.
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Tests never need a commit to outlive a crash; not waiting for the disk at each
        # commit (and at each flush of a transactional test) saves most of their waiting.
        options = settings.DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
        # Some tests end the server's connections from outside (outages, restarts). A
        # connection a thread of this process kept open (Channels' database threads keep
        # theirs between tests) is checked before its next use and replaced if it is dead,
        # so the next test in this worker does not fail on it. Servers and workers the tests
        # start run with the project's own settings.
        settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    override_settings(**overrides).enable()
    _browser_waits_for_a_busy_machine()
    post_migrate.connect(_role_groups_after_flush, dispatch_uid="tests-role-groups")
    _yaml_parsed_once_per_text()


def _browser_waits_for_a_busy_machine() -> None:
    """Playwright's ``expect`` waits up to 15 s for a page to get where a test says it must
    (5 s by default). Under ``make test`` the browser, live servers and both workers share two
    cores, and a page that is right but slow failed a run now and then; a test that passes
    still passes as soon as the page is right, and one that is wrong still fails."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # pragma: no cover (a dev dependency)
        return
    expect.set_options(timeout=15_000)


def _yaml_parsed_once_per_text() -> None:
    """``yaml.safe_load`` parses the same text once per process and hands back copies.

    The shipped knowledge base, phone flows, queues and request types are YAML files, read
    again by most tests that load them (PyYAML's pure-Python parser: the 42 articles alone
    take a third of a second, a test). The same text always parses to the same value; each
    caller still gets its own copy to change. Streams and text that fails to parse go to
    PyYAML every time, so errors are raised as before.
    """
    import yaml

    parse = yaml.safe_load
    parsed: dict[str, object] = {}

    def safe_load(stream):
        if not isinstance(stream, str):
            return parse(stream)
        if stream not in parsed:
            parsed[stream] = parse(stream)
        return copy.deepcopy(parsed[stream])

    yaml.safe_load = safe_load


# The files that take longest under ``make test``, longest first, as measured on two cores
# (the run on PostgreSQL, the longer one, decides the order). pytest-xdist hands a worker a
# whole file at a time, in the order given; a long file left for last keeps one worker busy
# while the other sits idle. The order need only be rough; a file missing here only starts
# later.
SLOW_FILES_FIRST = (
    "tests/portal/test_browser.py",  # Chromium and a live server
    "tests/desk/test_browser.py",  # Chromium, a live server, uvicorn in another process
    "tests/chat/test_browser.py",  # Chromium, uvicorn in another process
    "tests/desk/test_whole_shift_browser.py",  # one test of some 75 s: uvicorn, Chromium
    "tests/ivr/test_simulator.py",  # uvicorn, the simulator's console script
    "tests/cases/test_import_cases.py",  # the console script in another process
    "tests/servicerequests/test_services.py",  # reference data in most tests
    "tests/chat/test_two_servers.py",  # two uvicorn processes
    "tests/core/test_supervision.py",  # serve's children started and killed
    "tests/core/test_cluster.py",  # nginx, two uvicorn processes, a worker
    "tests/routing/test_concurrency.py",  # threads racing, transactional (PostgreSQL only)
    "tests/assistant/test_services.py",  # 181 tests
    "tests/appointments/test_services.py",
    "tests/test_admin.py",
    "tests/setup/test_seed.py",
    "tests/cases/test_api.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist, whole files in the order they should be handed out: the slow files
    above first, then the rest by their number of tests, most first (pytest-xdist's own
    order, which ``make test`` turns off with ``--no-loadscope-reorder``). A file's tests
    keep their order (pytest-django's, transactional tests last). A single process is left
    alone."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    rank = {path: position for position, path in enumerate(SLOW_FILES_FIRST)}
    order = sorted(files, key=lambda path: (rank.get(path, len(rank)), -len(files[path])))
    items[:] = [item for path in order for item in files[path]]


def _role_groups_after_flush(sender, **kwargs) -> None:
    """A transactional test ends by emptying every table (a flush), which takes the role
    groups a data migration made; the flush then sends post_migrate, and this puts them back,
    as Django itself does for content types and permissions.

    One process runs the tests of a whole file together (xdist's ``--dist loadfile``), so a
    test that needs the groups may come after another file's transactional test.
    """
    if sender.label != "staff":
        return
    role_groups = importlib.import_module("contactcenter.staff.migrations.0002_role_groups")
    role_groups.create_groups(kwargs.get("apps") or django_apps, None)


_LANGUAGE_INDEXES: collections.OrderedDict[tuple, object] = collections.OrderedDict()


@pytest.fixture(autouse=True)
def _language_indexes_shared(monkeypatch):
    """The assistant's index over the same articles, built once per process.

    Each assistant test starts with the process's index dropped (tests/assistant/conftest.py)
    and the next question rebuilds it, seconds each. The costly part, one language's index,
    depends only on the articles' content and the out-of-scope subjects, so one built for the
    same content is handed back; everything around it runs as before.
    """
    from contactcenter.assistant import retrieval

    build = retrieval.LanguageIndex

    def shared(language, articles, outside=()):
        key = (
            language,
            tuple((article.slug, article.fingerprint()) for article in articles),
            repr(tuple(outside)),
        )
        if key in _LANGUAGE_INDEXES:
            _LANGUAGE_INDEXES.move_to_end(key)
        else:
            _LANGUAGE_INDEXES[key] = build(language, articles, outside)
            while len(_LANGUAGE_INDEXES) > 8:
                _LANGUAGE_INDEXES.popitem(last=False)
        return _LANGUAGE_INDEXES[key]

    monkeypatch.setattr(retrieval, "LanguageIndex", shared)


@pytest.fixture(autouse=True)
def _process_caches_cleared():
    """Each test starts with no reference list kept from the test before (core/process_cache.py:
    a rolled-back test's rows would otherwise still be listed).

    The agency profile starts as the default one, as a database with no profile stored gives
    it, so a test without the database can still render a message or a prompt that names the
    agency; a test that stores a profile clears it with the save, and reads its own."""
    from contactcenter.agency.selectors import ACTIVE_PROFILE, default_agency
    from contactcenter.core.process_cache import process_caches_clear

    process_caches_clear()
    ACTIVE_PROFILE.put(default_agency())
    yield
    process_caches_clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the test before it activated."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _shared_thread_connections_closed():
    """Channels runs the sockets' session, user and conversation look-ups on asgiref's one
    shared thread (a test drives them with ``asyncio.run``), and that thread's connection can
    outlive a test. A file that ends the server's connections from outside
    (tests/ivr/test_trouble.py) left it dead, and whichever socket tests ran next in the same
    worker failed on PostgreSQL, depending on the order files were handed out. It is closed
    before each test, so every test's look-ups connect afresh. Nothing to do before the
    thread has ever run (most tests) or on SQLite."""
    from asgiref.sync import SyncToAsync
    from django.db import connections

    executor = SyncToAsync.single_thread_executor
    if executor._threads and connections["default"].vendor != "sqlite":
        executor.submit(connections.close_all).result()


@pytest.fixture(autouse=True, scope="module")
def _database_pool_renewed_after_each_file():
    """Some files end the server's connections from outside (outage and restart tests); the
    next file in the same worker then starts with a new pool rather than the dead connections
    left idle in it. A no-op on SQLite, which has no pool."""
    yield
    from django.db import connections

    for wrapper in connections.all(initialized_only=True):
        # Only a pool already made: reading ``wrapper.pool`` would make one.
        if wrapper.alias not in getattr(wrapper, "_connection_pools", {}):
            continue
        wrapper.close()
        wrapper.close_pool()


@pytest.fixture(autouse=True)
def _redis_breaker_closed():
    """Each test starts with Redis taken as reachable, whatever outage the test before it
    had this process note (core/redis_fallback.py keeps it per process)."""
    from contactcenter.core.redis_fallback import redis_circuit

    redis_circuit.reset()
    yield
    redis_circuit.reset()


def redis_url_for_worker(url: str, index: int) -> str:
    """``url`` with its database number moved up by ``index`` (redis://host:6379/0 -> /1)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + index}"))


def _url_replaced(value, old: str, new: str):
    if isinstance(value, dict):
        return {key: _url_replaced(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_url_replaced(item, old, new) for item in value]
    return new if value == old else value


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the connections threads left open closed first.

    Tests that run threads or servers in this process (live servers, racing claims) can leave
    a thread's connection open; PostgreSQL then waits five seconds before refusing to drop
    the database at the end of the run, and the database is left behind. Whatever else is
    still connected to this process's test database when the run ends is disconnected.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture
def reference_data(db) -> ReferenceDataSummary:
    """The agency's offices (with hours and ZIP codes) and the forms catalogue, as shipped.

    The load writes some 12,000 ZIP-code rows through the ORM, seconds a test, and a few
    hundred tests ask for it. So the first load in a process into empty tables is done by
    ``reference_data_load`` and its rows are kept; later tests whose tables are empty too get
    the same rows written straight back, ids included. Anything else loads for real.
    """

    def everything_new(summary: ReferenceDataSummary) -> bool:
        offices, forms = summary.offices, summary.forms
        return not (
            offices.updated or offices.unchanged or offices.service_areas_removed
            or forms.updated or forms.unchanged
        )  # fmt: skip

    return loaded_once("reference data", reference_data_load, everything_new)


class _Snapshot:
    """What one loader returned and the rows it wrote into empty tables."""

    def __init__(self) -> None:
        self.result: object = None
        # (table, column names, rows), in the order they were read.
        self.tables: list[tuple[str, list[str], list[tuple]]] = []


_SNAPSHOTS: dict[str, _Snapshot] = {}


def loaded_once(name: str, load, everything_new, after_restore=None):
    """``load()``, whose rows are written straight back when it is asked for again.

    The first call in a process that loads into empty tables and creates everything
    (``everything_new(result)``) keeps the rows it wrote and a copy of its result. A later
    call whose tables are all empty again (each test's rows are rolled back or flushed) gets
    the same rows, ids included, and a copy of the same result; ``after_restore()`` then does
    whatever else the loader does besides writing rows. Anything else loads for real.
    """
    snapshot = _SNAPSHOTS.setdefault(name, _Snapshot())
    if snapshot.tables and _snapshot_restored(snapshot):
        if after_restore is not None:
            after_restore()
        return copy.deepcopy(snapshot.result)
    before = _row_counts()
    result = load()
    after = _row_counts()
    written = [table for table, count in after.items() if count != before[table]]
    if (
        not snapshot.tables
        and written
        and everything_new(result)
        and not any(before[table] for table in written)
    ):
        _snapshot_taken(snapshot, written, result)
    return result


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _snapshot_taken(snapshot: _Snapshot, written: list[str], result: object) -> None:
    from django.db import connection

    quote = connection.ops.quote_name
    tables = []
    with connection.cursor() as cursor:
        for table in written:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [column[0] for column in cursor.description]
            rows = [tuple(map(_writable, row)) for row in cursor.fetchall()]
            tables.append((table, columns, rows))
    snapshot.tables = tables
    snapshot.result = copy.deepcopy(result)


def _writable(value):
    """A value as read back, as the driver takes it again (SQLite reads times as ``time``)."""
    from django.db import connection

    if isinstance(value, dt.time):
        return connection.ops.adapt_timefield_value(value)
    return value


def _snapshot_restored(snapshot: _Snapshot) -> bool:
    """The snapshot's rows written back, if its tables are all empty."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, _columns, _rows in snapshot.tables:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                return False
    models = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in snapshot.tables:
            names = ", ".join(quote(column) for column in columns)
            if connection.vendor == "postgresql":
                # COPY takes the 12,000 ZIP codes in a third of the time INSERTs do.
                with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as writer:
                    for row in rows:
                        writer.write_row(row)
                continue
            row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
            # Many rows a statement (one round trip each), within SQLite's 999 parameters.
            per_statement = max(1, 999 // len(columns))
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({names}) VALUES "
                    + ", ".join([row_marks] * len(chunk)),
                    [value for row in chunk for value in row],
                )
        # PostgreSQL's sequences move past the ids written (SQLite needs nothing).
        reset = connection.ops.sequence_reset_sql(
            no_style(), [models[table] for table, _columns, _rows in snapshot.tables]
        )
        for statement in reset:
            cursor.execute(statement)
    return True


@pytest.fixture(autouse=True)
def _plain_http_and_static(settings):
    """Tests speak plain HTTP to the test client and have no collected static manifest; the
    production defaults for both are checked by the deploy-check test instead."""
    settings.SECURE_SSL_REDIRECT = False
    # Staff two-step verification has its own tests (tests/staff/test_two_step.py); elsewhere
    # staff are signed in with a password only, as the demo does.
    settings.STAFF_REQUIRE_TWO_STEP = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, launched once per module (see tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are ordinary blocking calls and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file as ``migrate`` leaves it, for the tests that start the project's servers
    in other processes on a file of their own: each copies this one rather than running
    ``migrate`` again (seconds each). Made once for the whole run; pytest-xdist's workers
    share it, the first to need it making it while the others wait."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's directory, above each worker's own
    template = root / "migrated.sqlite3"
    with open(root / "migrated.sqlite3.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            making = root / "migrated-making.sqlite3"
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{making}",
                "VAR_DIR": str(root / "migrated-var"),
                "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
                "LOG_LEVEL": "WARNING",
            }
            env.pop("REDIS_URL", None)
            env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            subprocess.run(
                [sys.executable, "-m", "django", "migrate", "--no-input"],
                env=env, cwd=Path(__file__).resolve().parents[1], capture_output=True, check=True,
            )  # fmt: skip
            # The settings put SQLite in WAL mode: fold the log into the file, so that copying
            # the one file copies everything.
            database = sqlite3.connect(making)
            database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
            making.rename(template)
    return template


@pytest.fixture
def staff(db):
    """``staff(role, **kwargs)``: a new member of staff in ``role``."""
    from tests.factories import StaffUserFactory

    def make(role: str, **kwargs):
        return StaffUserFactory(role=role, **kwargs)

    return make


# --- Routing and inquiries: queues, agents, cases with known identity answers ---------
@pytest.fixture
def queues(db):
    queues_load()


@pytest.fixture
def always_open(settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True


@pytest.fixture
def make_agent(db):
    counter = iter(range(1, 100_000))

    def make(
        *,
        tiers=("tier1",),
        languages=("en",),
        skills=(),
        capacity=None,
        presence=Presence.AVAILABLE,
    ) -> Agent:
        user = get_user_model().objects.create_user(username=f"agent{next(counter)}")
        return Agent.objects.create(
            user=user,
            tiers=list(tiers),
            languages=list(languages),
            skills=list(skills),
            capacity=capacity if capacity is not None else {"phone": 1, "chat": 3},
            presence=presence,
        )

    return make


@pytest.fixture
def at():
    def moment(*args):
        from zoneinfo import ZoneInfo

        return dt.datetime(*args, tzinfo=ZoneInfo("America/New_York"))

    return moment


@pytest.fixture
def make_case(db):
    """A case with an applicant whose answers the identity tests know."""
    from contactcenter.cases.models import Case, FormCategory, FormType
    from contactcenter.offices.models import Office
    from contactcenter.people.models import Person, Representative

    counter = iter(range(1, 100_000))

    def make(*, confidentiality="", with_representative=False) -> Case:
        n = next(counter)
        office, _ = Office.objects.get_or_create(
            code="NSC", defaults={"kind": "service_center", "name_en": "Nebraska Service Center",
                                  "name_es": "Centro de Servicios de Nebraska"}
        )  # fmt: skip
        form, _ = FormType.objects.get_or_create(
            code="I-485", defaults={"title_en": "Adjust status", "title_es": "Ajuste de estatus"}
        )
        category, _ = FormCategory.objects.get_or_create(
            form=form, code="family", defaults={"title_en": "Family", "title_es": "Familia"}
        )
        person = Person.objects.create(
            given_name="Ana", family_name="Reyes", date_of_birth=dt.date(1985, 3, 14),
            a_number=f"A{n:09d}", zip_code="68508", preferred_language="es",
        )  # fmt: skip
        rep = None
        if with_representative:
            rep = Representative.objects.create(
                given_name="Lee", family_name="Park", bar_number=f"NE{n:05d}"
            )
        return Case.objects.create(
            receipt_number=f"LIN24{n:08d}", form=form, category=category,
            receipt_date=dt.date(2024, 1, 10), office=office, status="received",
            status_date=dt.date(2024, 1, 10), applicant=person, representative=rep,
            g28_accepted_on=dt.date(2024, 1, 10) if rep else None,
            confidentiality=confidentiality,
        )  # fmt: skip

    return make


@pytest.fixture
def staff_user(db):
    from django.contrib.auth.models import Group

    counter = iter(range(1, 100_000))

    def make(role: str):
        user = get_user_model().objects.create_user(username=f"{role}{next(counter)}")
        user.groups.add(Group.objects.get(name=role))
        return user

    return make

"""Shared test set-up. Every test runs against real PostgreSQL (embedded, or DATABASE_URL).

Dates: nothing here depends on the day the suite runs (docs/adr/0019-one-clock.md).
- The sample files in fixtures/ are a snapshot of November 2026 (the CQC
  list of 16 November, the DSPT export of 20 November). A test that imports
  them runs in the week they came out, SAMPLE_WEEK (the `sample_week`
  fixture, which `sample_loaded` and `site` use), with time-machine.
- A test about a rule names its own date (`time_machine.move_to(...)`).
- Any other test builds data relative to its today (tests/factories.py).
CI also runs the suite with the whole machine's clock moved (libfaketime;
.ci/run), which these rules keep passing.
"""

import datetime as dt
import os
import shutil
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SAMPLE_ODS = FIXTURES / "16_November_2026_HSCA_Active_Locations.ods"
SAMPLE_XLSX = FIXTURES / "16_November_2026_HSCA_Active_Locations.xlsx"
SAMPLE_CQC_CSV = FIXTURES / "cqc_active_locations.csv"
SAMPLE_DIRECTORY = FIXTURES / "16_November_2026_CQC_directory.csv"
SAMPLE_DSPT = FIXTURES / "DSPT search results 20_11_2026 09_15_02.csv"
SAMPLE_DSPT_2022 = FIXTURES / "DSPT search results 2022 format.csv"
# The week the sample files came out: their data is a few days old, and their 2025-26 results count.
SAMPLE_WEEK = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def sample_week(time_machine):
    """The clock (Python's, for every thread of this process) in the week the sample files came out, ticking."""
    time_machine.move_to(SAMPLE_WEEK, tick=True)


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Build the static files as production does, so pages render with whitenoise's manifest.

    Under mutation testing (`make mutation`) each mutant runs a few tests in a process of its own: the
    files built for the first are kept for the rest (nothing static is mutated).
    """
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not (os.environ.get("MUTANT_UNDER_TEST") and manifest.exists()):
        call_command("collectstatic", "--noinput", verbosity=0)
    yield


@pytest.fixture(autouse=True)
def no_throttle_in_tests(settings):
    """Tests ask for many area pages in a moment; the throttle has its own test (test_hostile_traffic)."""
    settings.HEAVY_SECONDS_PER_SECOND = 10_000
    settings.HEAVY_BURST_SECONDS = 10_000


@pytest.fixture(autouse=True)
def fresh_data_dates():
    """The data dates (and badges, by data version) are kept in memory; each test starts from its own
    database."""
    from providers import freshness
    from providers.results import badges
    from providers.service_pages.views import _remembered_badge

    def forget_all():
        freshness.forget()
        _remembered_badge.cache_clear()
        badges.render_svg.cache_clear()
        badges._remembered_png.cache_clear()

    forget_all()
    yield
    forget_all()


@pytest.fixture(autouse=True)
def shared_tables_emptied(request, django_db_blocker):
    """After a test that commits, empty the tables Django's flush does not know (they are not models):
    the shared cache and the limiter's counts, so the next test does not inherit them."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.db import connection

        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM dsptlookup_cache; DELETE FROM dsptlookup_limit")


@pytest.fixture
def sample_files(tmp_path, sample_week):
    """Copies of the sample files that a test may change freely."""
    copies = {}
    for path in (SAMPLE_ODS, SAMPLE_XLSX, SAMPLE_CQC_CSV, SAMPLE_DIRECTORY, SAMPLE_DSPT, SAMPLE_DSPT_2022):
        target = tmp_path / path.name
        shutil.copy(path, target)
        copies[path.name] = target
    return copies


@pytest.fixture
def write_file(tmp_path):
    """Write text or bytes to a file in a temporary folder and return its path."""

    def _write(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return _write


@pytest.fixture
def run_worker(transactional_db):
    """Run the real worker (procrastinate, on its own database connections) here until no job is left.

    Its jobs see only committed data, so a test using it runs without the
    usual wrapping transaction. Worker threads close their connections after
    each job, so the test database can be dropped at the end.
    """
    from django.db import connections
    from procrastinate.contrib.django import app

    from providers import tasks

    database = connections.settings["default"]
    kept_for = database["CONN_MAX_AGE"]
    database["CONN_MAX_AGE"] = 0

    def work() -> None:
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(queues=tasks.QUEUES, wait=False, install_signal_handlers=False, concurrency=1)

    def run() -> None:
        # On a thread of its own: the worker runs an event loop, and a browser test may have one here.
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(timeout=300)

    yield run
    database["CONN_MAX_AGE"] = kept_for


@pytest.fixture
def file_server():
    """A real HTTP server on 127.0.0.1 serving files a test chooses (tests/local_http.py)."""
    from tests.local_http import LocalFileServer

    with LocalFileServer() as server:
        yield server


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor too (tests/staff/ sign in for real)."""
    from tests.staff_support import verified

    verified(client, admin_user)
    return client


@pytest.fixture
def sample_loaded(db, sample_week):
    """The sample CQC and DSPT data, imported through the real importers."""
    from providers.imports.sources import import_cqc_file, import_dspt_file

    assert import_cqc_file(path=SAMPLE_ODS).state == "succeeded"
    assert import_dspt_file(path=SAMPLE_DSPT).state == "succeeded"


@pytest.fixture
def lincolnshire_loaded(db, sample_week):
    """The real Lincolnshire CQC list (fixtures/real/), a Café among them, and one service with a current DSPT
    result: what tests of matching people's lists (providers/checking/, providers/reconcile/) match against."""
    from providers.imports.models import ImportRun
    from providers.imports.sources import import_cqc_file
    from providers.register.models import Location
    from providers.search.word_list import rebuild_search_words
    from tests.factories import LocationFactory, organisation_with_status
    from tests.imports.test_real_files import LINCOLNSHIRE

    assert import_cqc_file(path=LINCOLNSHIRE).state == ImportRun.State.SUCCEEDED
    for location_id, name, postcode in (("1-112000001", "Café Court", "LN1 1AA"),
                                        ("1-112000002", "Cafe Court Nursing", "LN2 2AA")):
        place = {"name": name, "town": "Lincoln", "postcode": postcode, "local_authority": "Lincolnshire",
                 "deregistered_on": None}
        if not Location.objects.filter(cqc_location_id=location_id).update(**place):  # the sample's, if loaded
            LocationFactory(cqc_location_id=location_id, **place)
    rebuild_search_words()  # as an import does
    Location.objects.filter(cqc_location_id="1-1125858653").update(
        dspt_organisation=organisation_with_status(ods_code="VN7WN"), dspt_match="location")


# --- Browser tests (tests/test_browser*.py): Debian's Chromium through Playwright ---------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the Django calls in these tests are
    # plain test set-up, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def site(live_server, settings, sample_week):
    """The live app with the sample data, serving plain (unhashed) static files."""
    from providers.imports.sources import import_cqc_file, import_dspt_file

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.SECURE_SSL_REDIRECT = False
    import_cqc_file(path=SAMPLE_ODS)
    import_dspt_file(path=SAMPLE_DSPT)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()

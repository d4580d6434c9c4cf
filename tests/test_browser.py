"""In a real browser (Debian's Chromium, driven by Playwright): accessibility with axe,
search with JavaScript on and off, the keyboard-only path, Easy Read, and the admin import.

Needs /usr/bin/chromium (`.ci/run` installs it). Without it these tests are
skipped, unless REQUIRE_BROWSER=1 is set, when they fail instead.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

if not CHROMIUM.exists() and os.environ.get("REQUIRE_BROWSER") != "1":
    pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the Django calls in these tests are
    # plain test set-up, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def site(live_server, settings):
    """The live app with the sample data, serving plain (unhashed) static files."""
    from providers.services.cqc_import import import_cqc_file
    from providers.services.dspt_import import import_dspt_file
    from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS

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


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


PUBLIC_PAGES = [
    "/", "/search/", "/search/?q=sunny+side", "/search/?q=l8+1aa", "/search/?q=qwxzv", "/search/?q=ZE2+9XX",
    "/search/?q=leeds&type=care_home&status=meets", "/search/?q=" + "x" * 250,
    "/services/1-545611283/", "/services/1-545611300/", "/services/1-10553191017/", "/services/1-117000003/",
    "/services/1-545611283/easy-read/", "/services/1-10552899700/easy-read/",
    "/guidance/what-is-the-dspt/", "/guidance/keeping-your-information-safe/", "/guidance/what-the-results-mean/",
    "/easy-read/", "/easy-read/what-is-the-dspt/", "/easy-read/what-the-results-mean/",
    "/easy-read/keeping-your-information-safe/",
    "/areas/", "/areas/leeds/", "/ods/AB1X/", "/ods/NOPE9/",
    "/about/", "/accessibility/", "/privacy/", "/no-such-page/",
]


def test_every_public_page_type_passes_axe(site, page):
    failures = {}
    for path in PUBLIC_PAGES:
        page.goto(site + path)
        found = axe_violations(page)
        if found:
            failures[path] = found
    assert not failures, failures


def test_no_content_security_policy_violations(site, page):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None)
    for path in ("/", "/search/?q=sunny", "/services/1-545611283/", "/services/1-545611283/easy-read/", "/areas/leeds/"):
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    assert problems == []


def test_search_with_javascript_on_updates_as_you_type(site, page):
    page.goto(site + "/search/")
    page.fill("#q", "sunnyside")  # no Enter: htmx fetches after a short pause
    page.wait_for_selector("#search-results li.app-result")
    assert "Sunnyside Lodge" in page.inner_text("#search-results")
    page.wait_for_url(re.compile(r"/search/\?.*q=sunnyside"))
    assert "care services found for ‘sunnyside’" in page.inner_text("#search-status")


def test_search_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.fill("#q", "l8 1aa")
    page.click("button[type=submit]")
    assert "/search/?q=l8+1aa" in page.url
    assert "within 50 miles of L8 1AA" in page.inner_text("main")
    page.click("text=Sunny Side Care Home")
    assert page.inner_text("h1") == "Sunny Side Care Home"
    page.click("text=Easy Read version of this page")
    assert page.url.endswith("/services/1-545611283/easy-read/")
    assert "This care service did its check." in page.inner_text("main")
    page.click("text=Standard version of this page")
    assert page.url.endswith("/services/1-545611283/")
    context.close()


def test_filters_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/search/?q=leeds")
    page.click("summary")
    page.select_option("#status", "not_met")
    page.click("button[type=submit]")
    assert "status=not_met" in page.url
    assert page.locator("li.app-result h3").all_inner_texts() == ["Saint Mary's House"]
    context.close()


def test_keyboard_only_search(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    for _ in range(15):
        if page.evaluate("document.activeElement.id") == "q":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("saint marys")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=saint"))
    for _ in range(40):
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/services/"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Saint Mary's House"
    # The focused link is visibly marked (NHS.UK focus style: a yellow background).
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/services/1-10552899600/$"))
    assert page.inner_text("h1") == "Saint Mary's House"


def test_admin_import_in_the_browser(site, page, django_user_model, tmp_path, settings):
    from tests.conftest import SAMPLE_DSPT

    settings.IMPORT_UPLOAD_DIR = tmp_path
    csp_problems = []
    page.on("console", lambda m: csp_problems.append(m.text) if "Content Security Policy" in m.text else None)
    django_user_model.objects.create_superuser("admin", "admin@example.com", "a-good-long-password")
    page.goto(site + reverse("admin:login"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a-good-long-password")
    page.click("input[type=submit]")
    page.goto(site + reverse("admin:providers_importrun_upload"))
    page.check("input[value=dspt]")
    page.set_input_files("#id_file", str(SAMPLE_DSPT))
    page.click("text=Check this file")
    assert "Preview ready (nothing written)" in page.inner_text("#content")
    page.click("text=Import this file")
    assert "Imported" in page.inner_text("#content")
    assert "new statuses added" in page.inner_text("#content")
    page.goto(site + reverse("admin:providers_location_changelist"))
    page.goto(site + reverse("admin:providers_importrun_matching"))
    assert csp_problems == []  # the admin works under the same Content Security Policy


def test_the_axe_check_can_fail(page):
    # A guard: a page with known problems must show violations, so a pass above means something.
    page.set_content("<html><body><img src='x.png'><a href='#'></a></body></html>")
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "html-has-lang" in found

"""In a real browser (Debian's Chromium, driven by Playwright): accessibility with axe,
search with JavaScript on and off, the keyboard-only path, Easy Read, and the admin import.

Needs /usr/bin/chromium (`.ci/run` installs it). Without it these tests are
skipped, unless REQUIRE_BROWSER=1 is set, when they fail instead.
"""

import re

import pytest
from django.urls import reverse

from tests.browser_support import axe_violations, page_without_scripts, skip_without_chromium

skip_without_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/", "/search/", "/search/?q=sunny+side", "/search/?q=l8+1aa", "/search/?q=qwxzv", "/search/?q=ZE2+9XX",
    "/search/?q=leeds&type=care_home&status=meets", "/search/?q=" + "x" * 250,
    "/search/?q=Sunny+Sdie+Huose", "/search/?q=" + "+".join(["word"] * 20), "/easy-read/search/?q=Sunny+Sdie",
    "/services/1-545611283/", "/services/1-545611300/", "/services/1-10553191017/", "/services/1-117000003/",
    "/services/1-545611283/easy-read/", "/services/1-10552899700/easy-read/",
    "/guidance/what-is-the-dspt/", "/guidance/keeping-your-information-safe/", "/guidance/what-the-results-mean/",
    "/easy-read/", "/easy-read/what-is-the-dspt/", "/easy-read/what-the-results-mean/",
    "/easy-read/keeping-your-information-safe/",
    "/areas/", "/areas/leeds/", "/areas/england/", "/areas/leeds/?year=2025&status=current", "/ods/AB1X/", "/ods/NOPE9/",
    "/about/", "/accessibility/", "/privacy/", "/no-such-page/",
    "/for-care-services/", "/services/1-545611283/poster/", "/services/1-545611283/poster/easy-read/",
    "/easy-read/search/?q=sunny", "/easy-read/search/?q=qwxzv", "/contact/",
    "/privacy-summary/", "/privacy-summary/example/",
    "/for-councils/", "/embed/search/", "/embed/search/?q=sunny", "/download/",
    "/spread-the-word/", "/spread-the-word/leaflet/", "/spread-the-word/leaflet/easy-read/", "/api/v1/docs/",
    "/providers/1-101671690/", "/providers/1-101671690/?sort=area&status=current", "/providers/1-101671690/easy-read/",
    "/search/?q=midshires+care",
    "/your-rights/", "/your-rights/?q=sunny", "/your-rights/?q=qwxzv", "/your-rights/?service=1-545611283",
    "/your-rights/examples/copy/", "/your-rights/examples/correct/", "/easy-read/your-information/",
    "/follow/?service=1-545611283", "/follow/?remind=1-545611283", "/follow/?area=leeds",
    "/follow/?provider=1-101671690", "/follow/check-your-email/", "/follow/stopped/", "/for-care-services/renew/",
    "/services/1-545611283/reply/", "/services/1-545611283/reply/check-your-email/", "/performance/",
    "/feedback/more/?page=home&useful=yes&back=/",
]


def test_every_public_page_type_passes_axe(site, page):
    failures = axe_failures(site, page, scripts=True)  # desktop width (1280 px), JavaScript on
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
    assert "within 25 miles of L8 1AA" in page.inner_text("main")
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
    page.wait_for_url(re.compile(r"/services/1-10552899600/(\?from=search)?$"))  # (counted: opened from search)
    assert page.inner_text("h1") == "Saint Mary's House"


def test_admin_import_in_the_browser(site, page, django_user_model, tmp_path, settings, run_worker):
    from tests.conftest import SAMPLE_DSPT

    csp_problems = []
    page.on("console", lambda m: csp_problems.append(m.text) if "Content Security Policy" in m.text else None)
    from tests.staff_support import phone_for, totp

    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "a-good-long-password")
    phone = phone_for(user)
    page.goto(site + reverse("admin:login"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a-good-long-password")
    page.click("input[type=submit]")
    page.fill("#id_code", totp(phone.bin_key))  # the second factor (tests/staff/)
    page.click("input[type=submit]")
    page.goto(site + reverse("admin:providers_importrun_upload"))
    page.check("input[value=dspt]")
    page.set_input_files("#id_file", str(SAMPLE_DSPT))
    page.click("text=Check this file")
    assert "Waiting for the worker" in page.inner_text("#content")
    run_worker()
    page.reload()
    assert "Preview ready (nothing written)" in page.inner_text("#content")
    page.click("text=Import this file")
    run_worker()
    page.reload()
    assert "Imported" in page.inner_text("#content")
    assert "new statuses added" in page.inner_text("#content")
    page.goto(site + reverse("admin:providers_location_changelist"))
    page.goto(site + reverse("admin:providers_namematchcandidate_report"))
    # The run list keeps when, state, file, counts and who in view at 1280 px, with no sideways scrolling.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + reverse("admin:providers_importrun_changelist"))
    for column in ("started_at", "state", "kind", "file_name", "counts", "started_by"):
        box = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280, column
    assert page.evaluate("document.querySelector('.results').scrollWidth <= document.querySelector('.results').clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert csp_problems == []  # the admin works under the same Content Security Policy


def test_the_axe_check_can_fail(page):
    # A guard: a page with known problems must show violations, so a pass above means something.
    page.set_content("<html><body><img src='x.png'><a href='#'></a></body></html>")
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "html-has-lang" in found


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript on", "JavaScript off"])
def test_no_page_is_wider_than_a_phone(site, browser, javascript):
    """At 320, 375 and 390 px no page scrolls sideways. A screenshot of each page type at 390 px is saved."""
    from tests.browser_support import ARTEFACTS

    folder = ARTEFACTS / "pages-390" / ("js-on" if javascript else "js-off")
    folder.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for width in (320, 375, 390):
        context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 800})
        page = context.new_page()
        for path in PUBLIC_PAGES:
            page.goto(site + path)
            page.wait_for_load_state("load")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide[f"{path} at {width}px"] = scroll
            if width == 390:
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:60] or "home"
                page.screenshot(path=folder / f"{name}.png", full_page=True)
        context.close()
    assert not too_wide, too_wide


def test_the_header_menu_folds_into_more_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(site + "/")
    toggle = page.locator("#toggle-menu")
    assert toggle.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".nhsuk-header__menu-list a", has_text="About this service").is_visible()
    assert axe_violations(page) == []
    context.close()


def axe_failures(site, page, *, scripts: bool) -> dict:
    """axe's WCAG 2.2 AA findings on every public page type, by path."""
    failures = {}
    for path in PUBLIC_PAGES:
        page.goto(site + path)
        if scripts:
            page.wait_for_load_state("networkidle")
            assert "js-enabled" in page.evaluate("document.body.className")
        found = axe_violations(page)
        if found:
            failures[path] = found
    return failures


@pytest.mark.parametrize("width", [390, 1280])
def test_every_public_page_passes_axe_at_phone_and_desktop_width_with_javascript_off(site, browser, width):
    context, page = page_without_scripts(browser, width=width)
    failures = axe_failures(site, page, scripts=False)
    context.close()
    assert not failures, failures


def test_every_public_page_passes_axe_at_phone_width_with_javascript_on(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    failures = axe_failures(site, context.new_page(), scripts=True)
    context.close()
    assert not failures, failures


def test_back_after_a_search_shows_the_whole_results_page(site, browser):
    """With the normal HTTP cache on and the back/forward cache off, Back reloads the entry:
    that is when a cached htmx partial used to show as a bare page."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site + "/about/")
    page.goto(site + "/search/")
    page.click("#q")
    page.keyboard.type("sun", delay=80)
    page.wait_for_timeout(800)  # a pause: results come as you type
    page.keyboard.type("ny", delay=80)
    page.wait_for_function("() => location.search.includes('q=sunny')")  # the address bar keeps in step
    page.wait_for_selector("#search-results li.app-result")
    page.wait_for_function("() => document.title.includes('sunny')")
    assert "care services found for ‘sunny’" in page.title()  # the tab says what was found
    page.click("#search-results a >> nth=0")
    page.wait_for_url(re.compile(r"/services/"))
    page.go_back()
    page.wait_for_url(re.compile(r"/search/\?q=sunny"))
    page.wait_for_load_state("load")
    assert page.locator("header.nhsuk-header").count() == 1  # the whole page, with its styles
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    assert page.locator("#search-results li.app-result").count() >= 1
    page.go_back()  # typing made no history entries of its own: one Back leaves search
    page.wait_for_function("() => location.pathname === '/about/'")
    context.close()


def test_the_easy_read_journey_stays_easy_read(site, page):
    page.goto(site + "/easy-read/")
    assert page.evaluate("getComputedStyle(document.querySelector('#q')).fontSize") == "24px"
    page.fill("#q", "sunny side")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/easy-read/search/\?q=sunny"))
    page.click("text=Sunny Side Care Home")
    page.wait_for_url(re.compile(r"/services/1-545611283/easy-read/(\?from=search)?$"))
    assert "This care service did its check." in page.inner_text("main")


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript on", "JavaScript off"])
def test_the_out_of_date_warning_reads_well_at_every_width(site, browser, javascript):
    """With data past its limits every page warns; the warning passes axe and never makes a page scroll sideways."""
    import datetime as dt

    from django.utils import timezone

    from providers import freshness
    from providers.imports.models import ImportRun
    from tests.browser_support import ARTEFACTS

    old = timezone.localdate() - dt.timedelta(days=60)
    ImportRun.objects.filter(kind__in=[ImportRun.Kind.DSPT, ImportRun.Kind.CQC]).update(data_as_of=old)
    freshness.forget()
    folder = ARTEFACTS / "fresh-data"
    folder.mkdir(parents=True, exist_ok=True)
    problems = {}
    for width in (320, 390, 1280):
        if javascript:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
        else:
            context, page = page_without_scripts(browser, width=width)
        for path in ("/", "/search/?q=sunny", "/services/1-545611283/", "/easy-read/", "/areas/leeds/"):
            page.goto(site + path)
            warning = page.locator(".app-freshness-warning")
            assert warning.is_visible(), path
            words = "Our check results are from" if path.startswith("/easy-read/") else "Our DSPT results are from"
            assert f"{words} {old:%-d %B %Y}" in warning.inner_text()
            box = warning.bounding_box()
            if box["x"] < 0 or box["x"] + box["width"] > width or page.evaluate("document.documentElement.scrollWidth") > width:
                problems[f"{path} at {width}px"] = box
            found = axe_violations(page)
            if found:
                problems[f"{path} at {width}px (axe)"] = found
            if path == "/services/1-545611283/" and javascript:
                page.screenshot(path=folder / f"stale-warning-service-{width}.png", full_page=False)
        context.close()
    assert not problems, problems


def test_dashboard_charts_fit_every_width_with_nothing_overlapping(site, browser):
    """Every chart's words sit inside the chart and clear of each other, at 320, 390 and 1280 px; saved as pictures."""
    from tests.browser_support import ARTEFACTS

    folder = ARTEFACTS / "dashboards"
    folder.mkdir(parents=True, exist_ok=True)
    problems = {}
    for width in (320, 390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in ("/areas/leeds/", "/areas/england/"):
            page.goto(site + path)
            found = page.evaluate("""() => [...document.querySelectorAll('svg.app-chart__svg')].map((svg) => {
                const box = svg.getBoundingClientRect();
                const texts = [...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect());
                const outside = texts.filter((t) => t.left < box.left - 0.5 || t.right > box.right + 0.5).length;
                let overlaps = 0;
                texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => {
                    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps += 1;
                }));
                const bars = [...svg.querySelectorAll('rect[height="16"]')].map((r) => r.getBoundingClientRect());
                const barOverText = bars.filter((r) => texts.some((t) =>
                    r.width > 2 && r.left < t.right && t.left < r.right && r.top < t.bottom - 2 && t.top + 2 < r.bottom)).length;
                return {outside, overlaps, barOverText, wider: box.right > window.innerWidth, fontPx: texts.length ?
                        Math.min(...[...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height)) : 0};
            })""")
            for number, chart in enumerate(found):
                if chart["outside"] or chart["overlaps"] or chart["barOverText"] or chart["wider"] or chart["fontPx"] < 11:
                    problems[f"{path} chart {number} at {width}px"] = chart
            if page.evaluate("document.documentElement.scrollWidth") > width:
                problems[f"{path} at {width}px"] = "scrolls sideways"
            name = path.strip("/").replace("/", "-")
            page.locator(".app-dashboard").screenshot(path=folder / f"{name}-{width}.png")
        context.close()
    assert len(found) == 3
    assert not problems, problems

"""Issues 40 and 42 in Chromium at a phone's width and a desktop's, JavaScript off and on: a service's results
over time and its own published words, the Easy Read page, "Is this page useful?" answered, and
/performance/. Screenshots in test-artefacts/track-record/ (looked at); axe finds nothing, nothing is wider
than the screen."""

import pytest
from django.urls import reverse

from providers.imports.models import ImportRun
from providers.imports.sources import import_dspt_file
from providers.performance import figures
from providers.performance.models import Tally
from providers.register.models import Location
from providers.replies import services
from tests.browser_support import ARTEFACTS, look_at, page_without_scripts, skip_without_chromium
from tests.following.test_following import newer_dspt_file

skip_without_chromium()
pytestmark = pytest.mark.browser
SHOTS = ARTEFACTS / "track-record"
SUNNY_SIDE = "1-545611283"


def _older_result(tmp_path):
    """Last year's file too: Sunny Side's 2024-25 result, so the page has a record over time."""
    path = newer_dspt_file(tmp_path, code="VLLWV", new_status="24/25 Standards Met", published="12/06/2025")
    older = path.with_name("DSPT search results 20_09_2025 09_15_02.csv")
    path.rename(older)
    assert import_dspt_file(path=older).state == ImportRun.State.SUCCEEDED


@pytest.mark.parametrize("width, scripts", [(390, False), (1280, True)])
def test_a_family_reads_the_results_over_time_and_the_services_words(site, browser, tmp_path, width, scripts):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _older_result(tmp_path)
    location = Location.objects.get(cqc_location_id=SUNNY_SIDE)
    reply = services.send(location=location, kind="reply", name="Manager", email="m@example.org",
                          text="We renewed our check in November and train every member of staff each year.")
    services.confirm(reply)
    services.publish(reply, by="admin")
    if scripts:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
    else:
        context, page = page_without_scripts(browser, width=width)
    mode = "js" if scripts else "no-js"
    page.goto(site + reverse("service", args=[SUNNY_SIDE]))
    assert page.locator("#reply-heading").inner_text() == "What the care service says"
    assert page.locator(".app-glance__year").count() >= 2
    assert look_at(page, width=width, screenshot=SHOTS / f"service-{width}-{mode}.png") == []
    page.goto(site + reverse("service_easy_read", args=[SUNNY_SIDE]))
    assert page.get_by_text("In 2024-25 they said they met the standard.").count() == 1
    assert look_at(page, width=width, screenshot=SHOTS / f"easy-read-{width}-{mode}.png") == []

    # "Is this page useful?" answered, then the figures.
    page.goto(site + reverse("service", args=[SUNNY_SIDE]))
    page.locator("button[name=useful][value=yes]").click()
    page.wait_for_selector("h1:has-text('Thank you for your answer')")
    assert look_at(page, width=width, screenshot=SHOTS / f"feedback-{width}-{mode}.png") == []
    assert context.cookies() == []  # nothing of this set a cookie
    assert Tally.objects.filter(metric="useful_yes", dimension="service").get().count == 1
    figures.rebuild()
    page.goto(site + reverse("performance"))
    assert look_at(page, width=width, screenshot=SHOTS / f"performance-{width}-{mode}.png") == []
    context.close()

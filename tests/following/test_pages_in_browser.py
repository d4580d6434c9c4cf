"""The pages about emails and renewal, as people see them: axe at 390 and 1280 px with JavaScript off, none wider
than the screen. Screenshots under test-artefacts/following/ for a person to look at."""

import pytest

from tests.browser_support import ARTEFACTS, look_at, page_without_scripts, skip_without_chromium

skip_without_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = {"renew": "/for-care-services/renew/", "for-care-services": "/for-care-services/",
         "follow-area": "/follow/?area=leeds", "follow-remind": "/follow/?remind=1-545611283",
         "privacy": "/privacy/"}


def test_the_pages_about_emails_pass_axe_and_fit_the_screen(site, browser):
    folder = ARTEFACTS / "following"
    folder.mkdir(parents=True, exist_ok=True)
    failures = {}
    for width in (390, 1280):
        context, page = page_without_scripts(browser, width=width)
        for name, path in PAGES.items():
            page.goto(site + path)
            found = look_at(page, width=width, screenshot=folder / f"{name}-{width}px.png")
            if found:
                failures[f"{name} at {width}px"] = found
        context.close()
    assert not failures, failures

"""Following by email in Chromium with JavaScript off, as a person does it: from a service's page to the
confirmation email, the daily digest and the unsubscribe link; each page at 320, 390 and 1280 px through axe.

Screenshots are saved under test-artefacts/following/ for a person to look at.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from providers.following import sending, services
from providers.following.models import Subscriber
from providers.imports.sources import import_dspt_file
from tests.browser_support import ARTEFACTS, look_at, page_without_scripts, skip_without_chromium
from tests.following.conftest import body
from tests.following.test_following import newer_dspt_file

skip_without_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FOLDER = ARTEFACTS / "following"
SERVICE = "1-545611283"  # Sunny Side Care Home in the sample data (DSPT code VLLWV)


def link(message, path: str) -> str:
    return re.search(rf"http://testserver({re.escape(path)}\S+)", body(message)).group(1)


def test_follow_confirm_digest_and_stop_with_javascript_off(site, browser, smtp_server, settings, tmp_path,
                                                            time_machine):
    settings.SITE_URL = "http://testserver"
    FOLDER.mkdir(parents=True, exist_ok=True)
    failures = {}
    for width in (320, 390, 1280):
        context, page = page_without_scripts(browser, width=width)

        def check(step: str):
            found = look_at(page, width=width, screenshot=FOLDER / f"{step}-{width}px.png")
            if found:
                failures[f"{step} at {width}px"] = found

        page.goto(f"{site}/services/{SERVICE}/")
        page.click("text=get an email when this result changes")
        page.click("text=Send me an email to confirm")  # no address: the error
        check("sign-up-error")
        page.fill("#email", f"family{width}@example.org")
        page.click("text=Send me an email to confirm")
        assert page.inner_text("h1") == "Check your email"
        check("check-your-email")
        sending.send_due()
        page.goto(site + link(smtp_server.messages[-1], "/follow/confirm/"))
        check("confirm")
        page.click("text=Yes, send me emails")
        assert "Sunny Side Care Home" in page.inner_text("main")
        check("manage")
        context.close()
    assert not failures, failures

    # A newer DSPT file: everyone gets the digest; one of them stops everything from the email's link.
    time_machine.move_to(dt.datetime(2026, 12, 2, 6, tzinfo=ZoneInfo("Europe/London")), tick=True)
    assert import_dspt_file(path=newer_dspt_file(tmp_path, code="VLLWV", new_status="26/27 Standards Met",
                                                 published="01/12/2026")).state == "succeeded"
    assert services.make_digests(dt.date(2026, 12, 2)) == 3
    sending.send_due()
    digest = smtp_server.to("family390@example.org")[-1]
    assert "New result. Its result: Meets the standard (2026-27)." in body(digest)
    context, page = page_without_scripts(browser, width=390)
    page.goto(site + link(digest, "/follow/stop/"))
    page.click("button:has-text('Stop all emails')")
    assert page.inner_text("h1") == "Your emails have stopped"
    page.screenshot(path=FOLDER / "stopped-390px.png", full_page=True)
    context.close()
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == ["family1280@example.org",
                                                                           "family320@example.org"]

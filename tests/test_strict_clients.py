"""What strict clients see: every page type valid HTML (the Nu HTML Checker), feeds valid Atom that
feed readers parse, and imported text staying text in every output.

The validators are third-party programs (tests/strict_clients.py); .ci/run installs them and makes
these tests required.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from providers.register.models import Location
from tests.strict_clients import vnu_errors
from tests.test_browser import PUBLIC_PAGES

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
PRIVACY_SUMMARY = {"service_name": "Oak House", "keeps": ["contact"], "reasons": ["care"], "shares": ["gp"],
                   "safety": ["locked"], "keep_years": "3", "contact_name": "our manager"}


def every_page_type(client) -> dict[str, bytes]:
    """The HTML of every page type, by a name for it: each public address, forms with and without
    errors, and the error pages."""
    pages = {path: client.get(path).content for path in PUBLIC_PAGES}
    pages["privacy summary, with errors"] = client.post("/privacy-summary/", {"keep_years": "abc"}).content
    pages["privacy summary, made"] = client.post("/privacy-summary/", PRIVACY_SUMMARY).content
    pages["contact, with errors"] = client.post("/contact/", {"message": ""}).content
    letter = {"service": "1-545611283", "kind": "correct", "who": "someone", "their_name": "<b>Sam</b>",
              "details": "Line one\nline <two>"}
    pages["letter, with errors"] = client.post("/your-rights/", {"service": "1-545611283"}).content
    pages["letter, made"] = client.post("/your-rights/", letter).content
    pages["letter, changing answers"] = client.post("/your-rights/", {**letter, "edit": "1"}).content
    pages.update(following_pages(client))
    pages.update(reply_and_performance_pages(client))
    for error in ("400", "413", "429", "500", "503"):
        pages[f"error page {error}"] = render_to_string(f"{error}.html", {"service_name": "DSPT Lookup"}).encode()
    return pages


def following_pages(client) -> dict[str, bytes]:
    """The pages behind the links in our emails, and the emails' own HTML (mail programs show it)."""
    from django.utils import timezone

    from providers.following import emails, reminders, services
    from providers.following.changes import Change
    from providers.following.models import Follow, Subscriber
    from providers.register.models import Location

    service = Location.objects.get(cqc_location_id="1-545611283")
    services.sign_up(email="reader@example.org", kind="service", key=service.cqc_location_id, name=service.name)
    subscriber = Subscriber.objects.get()
    confirm = emails.confirm_link(subscriber).removeprefix(settings.SITE_URL)
    pages = {"follow, with errors": client.post("/follow/", {"service": service.cqc_location_id, "email": "x"}).content,
             "confirm": client.get(confirm).content, "link expired": client.get(confirm + "x").content,
             "stop": client.get(f"/follow/stop/{subscriber.token}/").content}
    services.confirm(subscriber, list(subscriber.follows.values_list("pk", flat=True)))
    pages["manage"] = client.get(f"/follow/manage/{subscriber.token}/").content
    follow, today = Follow.objects.get(), timezone.localdate()
    result = service.dspt_result(today)
    pages["email: confirm"] = emails.confirmation(subscriber, [follow]).html.encode()
    pages["email: digest"] = emails.digest(subscriber, [(follow, [Change(service.cqc_location_id, "A <b>name</b>",
                                                                         "New result.")])], today).html.encode()
    for stage in ("8 weeks", reminders.LAPSED, reminders.NEW_RESULT):
        due = reminders.Reminder(stage, dt.date(2027, 7, 1), "")
        pages[f"email: reminder {stage}"] = emails.reminder(subscriber, follow, due, result, today).html.encode()
    return pages


def reply_and_performance_pages(client) -> dict[str, bytes]:
    """A care service's reply (with errors, the confirmation page, its emails, shown on the service page) and
    /performance/ with a week of figures."""
    from providers.performance import figures
    from providers.register.models import Location
    from providers.replies import emails, services

    service = Location.objects.get(cqc_location_id="1-545611283")
    pages = {"reply, with errors": client.post("/services/1-545611283/reply/", {"text": "x" * 1001}).content,
             "feedback, with errors": client.post("/feedback/more/", {"words": "x" * 501}).content}
    reply = services.send(location=service, kind="reply", text="We published <b>on 2 December</b>.\nLine two",
                          name="Manager", email="manager@example.org")
    pages["reply: confirm"] = client.get(services.confirm_link(reply).removeprefix(settings.SITE_URL)).content
    pages["email: reply confirm"] = emails.confirmation(reply, "https://example.org/x").html.encode()
    services.confirm(reply)
    services.publish(reply, by="admin")
    pages["email: reply published"] = emails.published(reply).html.encode()
    pages["service page with a reply"] = client.get("/services/1-545611283/").content
    pages["easy read service page with a reply"] = client.get("/services/1-545611283/easy-read/").content
    client.get("/count.gif?page=search&found=0&q=nowhere")
    figures.rebuild()
    pages["performance, with figures"] = client.get("/performance/").content
    return pages


def test_every_page_type_is_valid_html(client, sample_loaded, tmp_path):
    files = []
    for name, html in every_page_type(client).items():
        path = tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:60] or 'home'}.html"
        path.write_bytes(html)
        files.append(path)
    assert len(files) >= len(PUBLIC_PAGES) + 10
    assert vnu_errors(files) == []


def test_our_style_sheets_parse():
    """A stray brace makes a browser drop the rule after it (it once hid the framed search's padding)."""
    sheets = sorted((settings.BASE_DIR / "static" / "css").glob("*.css"))
    assert sheets and vnu_errors(sheets) == []


def test_a_number_field_never_shows_what_is_not_a_number_as_a_number(client, db):
    html = client.post("/privacy-summary/", {"keep_years": "abc"}).content.decode()
    field = re.search(r'<input[^>]*id="keep_years"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'inputmode="numeric"' in field and 'value="abc"' in field


# --- Feeds -------------------------------------------------------------------------------------------

FEEDS = {"area": ("area_feed", ["leeds"]), "England": ("area_feed", ["england"]),
         "service": ("service_feed", ["1-117000006"])}


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_is_atom_that_feed_readers_parse_whole(client, sample_loaded, name):
    view, args = FEEDS[name]
    response = client.get(reverse(view, args=args))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.entries
    root = ET.fromstring(response.content)
    # RFC 4287 4.1.1: a feed has an author, an id, a title and updated; so does each entry (or its feed's author).
    for element in ("author/{http://www.w3.org/2005/Atom}name", "id", "title", "updated"):
        assert root.find(f"{ATOM}{element}") is not None, element
    for entry in root.findall(f"{ATOM}entry"):
        for element in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{element}") is not None, element
        assert entry.find(f"{ATOM}author/{ATOM}name").text == "DSPT Lookup"
        assert entry.find(f"{ATOM}summary").get("type", "text") == "text"


def test_england_has_a_feed_and_says_so(client, sample_loaded):
    html = client.get(reverse("area", args=["england"])).content.decode()
    assert f'href="{reverse("area_feed", args=["england"])}"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html


# --- Imported text stays text, in every output -------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "<b>Bold</b> & Co", "\"Quoted\" 'and' `ticked`", "\u202eRTL-mark\u202c Care"]


@pytest.fixture
def hostile(db, sample_loaded):
    """The sample, with one service and its provider renamed to text that looks like markup."""
    name = " ".join(HOSTILE)
    location = Location.objects.get(cqc_location_id="1-545611283")
    Location.objects.filter(pk=location.pk).update(name=name)
    location.provider.name = name
    location.provider.save()
    return location.cqc_location_id, name


def test_hostile_names_stay_text_in_html_svg_atom_json_and_csv(client, hostile):
    location_id, name = hostile
    html = client.get(reverse("service", args=[location_id])).content.decode()
    assert "<script>alert" not in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    svg = client.get(reverse("badge", args=[location_id])).content.decode()
    ET.fromstring(svg)  # well-formed: nothing breaks out of its element
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    api = client.get(reverse("api_service", args=[location_id])).json()
    assert api["name"] == name  # JSON carries the text itself, for the client to escape
    feed = client.get(reverse("service_feed", args=[location_id])).content
    for entry in feedparser.parse(feed).entries:
        assert entry.title.startswith(name)  # a feed reader shows the text, never markup made from it
        assert entry.summary_detail.type == "text/plain" and name in entry.summary
    csv = b"".join(client.get(reverse("download_services_csv")).streaming_content).decode("utf-8-sig")
    assert name.replace('"', '""') in csv  # the CSV quotes it, and keeps every character


def test_a_hostile_name_still_draws_a_png_badge(client, hostile):
    location_id, _ = hostile
    png = client.get(reverse("badge_png", args=[location_id]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")

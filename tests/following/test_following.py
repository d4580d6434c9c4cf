"""Following by email, end to end against a real SMTP server (tests/following/conftest.py): sign up, confirm,
a digest after a newer DSPT file changes a followed service's result, one-click unsubscribe; and what keeps it
safe and small (the same answer for every address, one confirmation a day, limits, expiry, deletion)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from providers.following import emails, sending, services
from providers.following.models import Follow, Message, Subscriber
from providers.imports.sources import import_dspt_file
from providers.register.models import Location
from tests.conftest import SAMPLE_DSPT
from tests.following.conftest import body, free_port

LONDON = ZoneInfo("Europe/London")
PROXY = {"REMOTE_ADDR": "10.0.0.2"}
pytestmark = pytest.mark.django_db


def sunny_side() -> Location:
    """A real care service of the sample, with its own 2025-26 'Standards Met' DSPT record (code VLLWV)."""
    return Location.objects.get(dspt_organisation__ods_code="VLLWV")


def sign_up(client, address: str, **what) -> object:
    return client.post(reverse("follow"), {"email": address, **what})


def link_in(message, name: str) -> str:
    """The path of the first link to this URL name's page in a message's text part."""
    prefix = reverse(name, args=["X"]).split("X")[0]
    return re.search(rf"http://testserver({re.escape(prefix)}[^\s]+)", body(message)).group(1)


def press_yes(client, message):
    """Open the confirmation link and press its button, as a person does: it sends what the page shows."""
    url = link_in(message, "follow_confirm")
    shown = re.findall(r'name="follow" value="(\d+)"', client.get(url).content.decode())
    return client.post(url, {"follow": shown})


def newer_dspt_file(tmp_path, *, code: str, new_status: str, published: str):
    """The sample DSPT file as published a week later, with one organisation's new result."""
    lines = SAMPLE_DSPT.read_text(encoding="utf-8-sig").splitlines()
    changed = [re.sub(r",[^,]*,\d\d/\d\d/\d{4},", f",{new_status},{published},", line, count=1)
               if line.startswith(code + ",") else line for line in lines]
    assert changed != lines
    path = tmp_path / "DSPT search results 01_12_2026 09_15_02.csv"
    path.write_text("\n".join(changed) + "\n", encoding="utf-8")
    return path


def test_sign_up_confirm_digest_and_one_click_unsubscribe(client, smtp_server, sample_loaded, tmp_path,
                                                          time_machine):
    service = sunny_side()
    response = sign_up(client, "Carer@Example.org", service=service.cqc_location_id)
    assert response.status_code == 302 and response.url == reverse("follow_check_email")
    assert sending.send_due() == {"sent": 1, "failed": 0}

    # The confirmation: plain text and HTML, what it is about, a link; nothing starts until it is used.
    (confirmation,) = smtp_server.to("carer@example.org")
    assert confirmation["Subject"] == "Confirm your email from DSPT Lookup"
    assert service.display_name in body(confirmation) and service.display_name in body(confirmation, "html")
    assert not Follow.objects.confirmed().exists()
    confirm_page = client.get(link_in(confirmation, "follow_confirm"))
    assert confirm_page.status_code == 200 and "Yes, send me emails" in confirm_page.content.decode()
    assert not Follow.objects.confirmed().exists()  # opening the link (as a mail scanner does) changes nothing
    manage = press_yes(client, confirmation)
    assert manage.status_code == 302
    assert service.display_name in client.get(manage.url).content.decode()

    # Nothing changed: no digest.
    assert services.make_digests(dt.date(2026, 11, 25)) == 0

    # A week later a newer DSPT file gives the service a 2026-27 result: the next digest says so, once.
    time_machine.move_to(dt.datetime(2026, 12, 2, 6, 0, tzinfo=LONDON), tick=True)
    newer = newer_dspt_file(tmp_path, code="VLLWV", new_status="26/27 Standards Exceeded", published="01/12/2026")
    assert import_dspt_file(path=newer).state == "succeeded"
    assert services.make_digests(dt.date(2026, 12, 2)) == 1
    assert services.make_digests(dt.date(2026, 12, 2)) == 0  # once a day, and told once
    assert sending.send_due() == {"sent": 1, "failed": 0}
    digest = smtp_server.messages[-1]
    assert digest["Subject"] == "DSPT Lookup: 1 change on 2 December 2026"
    text, html = body(digest), body(digest, "html")
    assert f"{service.display_name}: New result. Its result: Exceeds the standard (2026-27)." in text
    assert "Exceeds the standard (2026-27)" in html and "<img" not in html
    assert f"http://testserver/services/{service.cqc_location_id}/" in text

    # One click (RFC 8058): the mail program POSTs to the List-Unsubscribe address, with no CSRF token.
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = re.fullmatch(r"<http://testserver(/follow/stop/[^>]+)>", digest["List-Unsubscribe"].strip()).group(1)
    client.handler.enforce_csrf_checks = True
    answer = client.post(stop, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    assert not Subscriber.objects.exists() and not Follow.objects.exists() and not Message.objects.exists()


def test_a_provider_or_an_area_gets_one_digest_for_many_changes(client, smtp_server, sample_loaded, tmp_path,
                                                                time_machine):
    service = sunny_side()
    slug = Location.objects.registered().filter(pk=service.pk).area_names()
    (area,) = slug
    sign_up(client, "adviser@example.org", area=area)
    sign_up(client, "adviser@example.org", provider=service.provider.cqc_provider_id)
    sending.send_due()
    (confirmation,) = smtp_server.to("adviser@example.org")  # one a day
    assert "The care services in an area" in body(confirmation)
    page = client.get(link_in(confirmation, "follow_confirm")).content.decode()
    assert "The care services in an area" in page and service.provider.name in page  # asks about both
    press_yes(client, confirmation)
    assert Follow.objects.confirmed().count() == 2

    time_machine.move_to(dt.datetime(2026, 12, 2, 6, 0, tzinfo=LONDON), tick=True)
    assert import_dspt_file(path=newer_dspt_file(tmp_path, code="VLLWV", new_status="26/27 Standards Met",
                                                 published="01/12/2026")).state == "succeeded"
    assert services.make_digests(dt.date(2026, 12, 2)) == 1
    sending.send_due()
    digest = smtp_server.messages[-1]
    assert digest["To"] == "adviser@example.org" and digest["Subject"] == "DSPT Lookup: 2 changes on 2 December 2026"
    assert body(digest).count("Meets the standard (2026-27)") == 2  # under the area and under the provider


def test_the_answer_is_the_same_whoever_signs_up_and_a_flood_sends_one_email_a_day(client, smtp_server,
                                                                                    sample_loaded, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    service = sunny_side()
    first = sign_up(client, "someone@example.org", service=service.cqc_location_id)
    press_yes(client, _only_confirmation(smtp_server))
    again = sign_up(client, "someone@example.org", service=service.cqc_location_id)  # already following
    stranger = sign_up(client, "stranger@example.org", service=service.cqc_location_id)
    assert first.status_code == again.status_code == stranger.status_code == 302
    assert first.url == again.url == stranger.url
    for n in range(30):  # 30 sign-ups for one address from 30 clients
        client.post(reverse("follow"), {"email": "victim@example.org", "remind": service.cqc_location_id},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **PROXY)
    sending.send_due()
    assert len(smtp_server.to("victim@example.org")) == 1
    assert len(smtp_server.to("someone@example.org")) == 1  # following already: nothing more sent


def _only_confirmation(smtp_server):
    sending.send_due()
    return smtp_server.messages[-1]


def test_sign_ups_are_limited_per_client_and_addresses_are_checked(client, smtp_server, sample_loaded, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    service = sunny_side()
    bad = client.post(reverse("follow"), {"email": "not an address", "service": service.cqc_location_id})
    assert bad.status_code == 200 and "Enter an email address like name@example.com" in bad.content.decode()
    header = {"HTTP_X_FORWARDED_FOR": "203.0.113.5", **PROXY}
    answers = [client.post(reverse("follow"), {"email": f"p{n}@example.org", "service": service.cqc_location_id},
                           **header).status_code for n in range(11)]
    assert answers == [302] * 10 + [200]
    assert Subscriber.objects.count() == 10
    other = client.post(reverse("follow"), {"email": "q@example.org", "service": service.cqc_location_id},
                        HTTP_X_FORWARDED_FOR="203.0.113.6", **PROXY)
    assert other.status_code == 302  # counted per client behind the proxy


def test_nothing_to_follow_is_a_404_and_hostile_names_stay_text(client, smtp_server, sample_loaded):
    assert client.get(reverse("follow")).status_code == 404
    assert client.get(reverse("follow") + "?service=1-000").status_code == 404
    assert client.get(reverse("follow") + "?area=nowhere").status_code == 404
    service = sunny_side()
    Location.objects.filter(pk=service.pk).update(name='<b>Bold</b> "Care" & Co\r\nBcc: x@example.org')
    page = client.get(reverse("follow") + f"?remind={service.cqc_location_id}").content.decode()
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    sign_up(client, "owner@example.org", remind=service.cqc_location_id)
    sending.send_due()
    (confirmation,) = smtp_server.messages
    assert "&lt;b&gt;Bold&lt;/b&gt; &quot;Care&quot; &amp; Co" in body(confirmation, "html")
    assert '<b>Bold</b> "Care" & Co' in body(confirmation)
    assert confirmation["Bcc"] is None


def test_links_expire_and_unconfirmed_addresses_are_deleted(client, smtp_server, sample_loaded, time_machine):
    service = sunny_side()
    sign_up(client, "late@example.org", service=service.cqc_location_id)
    sending.send_due()
    confirm = link_in(smtp_server.messages[-1], "follow_confirm")
    time_machine.move_to(dt.datetime(2026, 12, 1, 12, 0, tzinfo=LONDON), tick=False)  # 7 days and 2 hours
    assert client.get(confirm).status_code == 404
    assert client.post(confirm).status_code == 404 and not Follow.objects.confirmed().exists()
    assert client.get(confirm.replace("follow/confirm/", "follow/confirm/x")).status_code == 404
    from django.utils import timezone

    assert services.forget_what_we_no_longer_need(timezone.now()) == {"sign-ups": 1, "addresses": 1, "messages": 0}
    assert not Subscriber.objects.exists() and not Message.objects.exists()  # its messages went with it


def test_the_address_goes_with_its_last_follow(client, smtp_server, sample_loaded):
    service = sunny_side()
    sign_up(client, "two@example.org", service=service.cqc_location_id)
    sign_up(client, "two@example.org", remind=service.cqc_location_id)
    confirmation = _only_confirmation(smtp_server)
    manage_url = press_yes(client, confirmation).url
    follows = list(Follow.objects.all())
    assert len(follows) == 2
    client.post(manage_url, {"follow": follows[0].pk})
    assert Subscriber.objects.count() == 1 and Follow.objects.count() == 1
    response = client.post(manage_url, {"follow": follows[1].pk})
    assert response.url == reverse("follow_stopped") and not Subscriber.objects.exists()
    assert client.get(manage_url).status_code == 404


def test_the_mail_server_failing_is_retried_later_then_reported(smtp_server, sample_loaded, settings, time_machine):
    subscriber = Subscriber.objects.create(email="wait@example.org")
    services.queue(subscriber, "test:1", emails.Email("Hello", "Hello", "<p>Hello</p>"))
    settings.EMAIL_PORT = free_port()  # nobody listens there
    assert sending.send_due() == {"sent": 0, "failed": 1}
    message = Message.objects.get()
    assert message.state == Message.State.PENDING and "Connection refused" in message.last_error
    assert sending.send_due() == {"sent": 0, "failed": 0}  # not yet: it waits a minute
    for _ in range(5):
        time_machine.shift(dt.timedelta(hours=13))
        sending.send_due()
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and message.attempts == 6
    settings.EMAIL_PORT = smtp_server.port
    assert sending.send_again(Message.objects.all()) == 1 and sending.send_due() == {"sent": 1, "failed": 0}


def test_the_privacy_notice_says_what_is_kept_and_for_how_long(client):
    page = client.get(reverse("privacy")).content.decode()
    assert "If you do not confirm within 7 days, we delete your email address." in page
    assert "When you stop your emails, we delete your email address" in page
    assert "We delete each email we sent you 30 days after we send it." in page


def test_the_secret_in_our_links_is_never_logged(client, smtp_server, sample_loaded, caplog):
    sign_up(client, "private@example.org", service=sunny_side().cqc_location_id)
    token = Subscriber.objects.get().token
    with caplog.at_level("INFO", logger="dsptlookup.requests"):
        client.get(reverse("follow_manage", args=[token]))
        client.get(reverse("follow_stop", args=[token]))
    lines = [record.getMessage() for record in caplog.records if record.name == "dsptlookup.requests"]
    assert len(lines) == 3 and all(token not in line for line in lines), lines
    assert [line.split()[1] for line in lines] == ["/follow/", "/follow/manage/[secret]/", "/follow/stop/[secret]/"]
    assert "private@example.org" not in caplog.text


def test_a_digest_lists_fifty_changes_for_each_thing_followed_then_links(db):
    from providers.following.changes import Change

    subscriber = Subscriber.objects.create(email="many@example.org")
    follow = Follow.objects.create(subscriber=subscriber, kind="area", key="leeds", name="Leeds")
    found = [Change(f"1-{n}", f"Home {n:03d}", "New result.") for n in range(10_000)]
    digest = emails.digest(subscriber, [(follow, found)], dt.date(2027, 7, 1))
    assert digest.subject == "DSPT Lookup: 10,000 changes on 1 July 2027"
    assert digest.text.count("New result.") == 50 and "And 9,950 more. See them all: http" in digest.text
    assert "/areas/leeds/" in digest.text


def test_many_addresses_following_one_area_cost_one_look_at_it(smtp_server, sample_loaded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    area = next(iter(Location.objects.registered().filter(pk=sunny_side().pk).area_names()))
    for n in range(20):
        subscriber = Subscriber.objects.create(email=f"adviser{n}@example.org")
        Follow.objects.create(subscriber=subscriber, kind="area", key=area, name="Area", confirmed_at="2026-11-24T09:00Z")
    with CaptureQueriesContext(connection) as queries:
        assert services.make_digests(dt.date(2026, 11, 24)) == 20  # all new to them: one digest each
    looks = [q["sql"] for q in queries.captured_queries if 'FROM "providers_location"' in q["sql"]]
    assert len(looks) == 2, looks  # the area's name, then its services: once, not once per address

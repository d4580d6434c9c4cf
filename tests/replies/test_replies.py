"""A care service's reply beside its result (issue 40): sent, confirmed by email through a real SMTP server,
kept from the page until an admin publishes it, shown as the service's own words while the result stays as
it was, and archived (the service told) when a newer DSPT file changes the result. Corrections: the admin
sees the record we hold, the official link, and refreshes that one organisation from the DSPT download."""

import datetime as dt
import re
import urllib.parse

import pytest
from django.urls import reverse

from providers.following import sending
from providers.imports.sources import import_dspt_file
from providers.register.models import Location
from providers.replies import services
from providers.replies.models import Reply
from providers.results.badges import badge_for
from tests.following.conftest import body, smtp_server  # noqa: F401 (the real SMTP server)
from tests.following.test_following import newer_dspt_file, sunny_side

pytestmark = pytest.mark.django_db
WORDS = "We published our 2026-27 check on 2 December and are waiting for it to show here. Call Jo on 07700 900123."


def _send(client, location, **changes):
    return client.post(reverse("reply", args=[location.cqc_location_id]),
                       {"kind": "reply", "text": WORDS, "name": "Registered manager", "email": "Manager@Example.org",
                        **changes})


def _confirm(client, inbox):
    sending.send_due()
    (message,) = inbox.to("manager@example.org")
    url = re.search(r"http://testserver(/replies/confirm/\S+)", body(message)).group(1)
    assert "Send my " in client.get(url).content.decode()  # opening the link sends nothing
    assert Reply.objects.get().state == Reply.State.UNCONFIRMED
    client.post(url)
    return message


def _service_page(client, location, easy_read=False):
    return client.get(reverse("service_easy_read" if easy_read else "service",
                              args=[location.cqc_location_id])).content.decode()


def test_a_reply_is_confirmed_published_shown_and_archived_when_the_result_changes(
        client, admin_client, smtp_server, sample_loaded, tmp_path):  # noqa: F811
    location = sunny_side()
    result_before = location.dspt_result()
    badge_before = badge_for(Location.objects.with_dspt_status().get(pk=location.pk), today=dt.date.today())
    response = _send(client, location)
    assert response.status_code == 302 and response["Location"].endswith("/reply/check-your-email/")
    confirmation = _confirm(client, smtp_server)
    assert "Confirm your reply about" in confirmation["Subject"]
    assert "List-Unsubscribe" not in confirmation  # not a mailing: it answers what they sent
    reply = Reply.objects.get()
    assert reply.state == Reply.State.WAITING
    assert "What the care service says" not in _service_page(client, location)  # not until an admin reads it

    # The queue lists it; the admin takes out the phone number, then publishes.
    queue = admin_client.get(reverse("admin:providers_reply_changelist")).content.decode()
    assert "1 reply or correction waiting" in queue and "The queue" in queue
    edited = WORDS.replace(" Call Jo on 07700 900123.", "")
    change = reverse("admin:providers_reply_change", args=[reply.pk])
    response = admin_client.post(change, {"text": edited, "decline_reason": "", "_publish": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    reply.refresh_from_db()
    assert reply.state == Reply.State.PUBLISHED and reply.text == edited and reply.sent_text == WORDS
    history = admin_client.get(reverse("admin:providers_reply_history", args=[reply.pk])).content.decode()
    assert "07700 900123" in history  # the edit is on the record, from what to what

    html = _service_page(client, location)
    assert "What the care service says" in html and "These are the care service's own words" in html
    assert "waiting for it to show here." in html and "07700" not in html
    easy = _service_page(client, location, easy_read=True)
    assert "These are the care service's own words." in easy and "waiting for it to show here." in easy
    # The reply changes nothing else: the result, the badge, the counts.
    again = Location.objects.with_dspt_status().get(pk=location.pk)
    assert again.dspt_result() == result_before
    assert badge_for(again, today=dt.date.today()) == badge_before
    sending.send_due()
    assert "is published" in str(smtp_server.to("manager@example.org")[-1]["Subject"])

    # A newer DSPT file changes the result: the reply is no longer shown, then archived and the service told.
    path = newer_dspt_file(tmp_path, code="VLLWV", new_status="25/26 Approaching Standards", published="23/11/2026")
    assert import_dspt_file(path=path).state == "succeeded"
    assert "What the care service says" not in _service_page(client, location)
    assert services.archive_outdated(dt.date.today()) == 1
    reply.refresh_from_db()
    assert reply.state == Reply.State.ARCHIVED
    sending.send_due()
    assert "has changed" in str(smtp_server.to("manager@example.org")[-1]["Subject"])
    assert services.archive_outdated(dt.date.today()) == 0


def test_a_declined_reply_is_never_shown_and_the_reason_is_emailed(client, admin_client, smtp_server,  # noqa: F811
                                                                    sample_loaded):
    location = sunny_side()
    _send(client, location)
    _confirm(client, smtp_server)
    reply = Reply.objects.get()
    change = reverse("admin:providers_reply_change", args=[reply.pk])
    admin_client.post(change, {"text": reply.text, "decline_reason": "", "_decline": "1"})
    assert Reply.objects.get().state == Reply.State.WAITING  # a reason is needed
    admin_client.post(change, {"text": reply.text, "decline_reason": "It names a member of staff.", "_decline": "1"})
    assert Reply.objects.get().state == Reply.State.DECLINED
    sending.send_due()
    assert "Why: It names a member of staff." in body(smtp_server.to("manager@example.org")[-1])
    assert "What the care service says" not in _service_page(client, location)


def test_the_answer_is_the_same_for_any_address_and_bad_input_is_a_message(client, smtp_server,  # noqa: F811
                                                                            sample_loaded, settings):
    location = sunny_side()
    settings.REPLY_CONFIRMATIONS_A_DAY = 2
    for _ in range(3):
        assert _send(client, location).status_code == 302  # the same answer every time
    sending.send_due()
    assert len(smtp_server.to("manager@example.org")) == 2  # a flood sends at most so many emails a day
    # A fourth from the same client in the hour: the limit, in words.
    assert "You have sent a lot of replies" in _send(client, location).content.decode()
    assert Reply.objects.count() == 3
    html = _send(client, location, REMOTE_ADDR="10.9.9.9", text="x" * 1001, email="not an address", kind="neither").content.decode()
    assert "Use 1,000 characters or fewer" in html and "Enter an email address like" in html
    assert "Choose what you would like to do" in html


def test_unconfirmed_replies_and_old_addresses_are_forgotten(client, smtp_server, sample_loaded,  # noqa: F811
                                                             time_machine, settings):
    location = sunny_side()
    _send(client, location)
    reply = Reply.objects.get()
    services.decline(Reply.objects.get(), reason="test", by="admin")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.REPLY_KEEP_EMAIL_DAYS + 1)
    assert services.forget(later)["reply addresses"] == 1
    assert Reply.objects.get(pk=reply.pk).email == ""
    _send(client, location, email="other@example.org")
    assert services.forget(later + dt.timedelta(days=settings.FOLLOW_CONFIRM_DAYS + 1))["unconfirmed replies"] == 1


def test_a_correction_shows_the_record_and_refreshes_one_organisation(client, admin_client, smtp_server,  # noqa: F811
                                                                      sample_loaded, tmp_path, settings,
                                                                      file_server):
    location = sunny_side()
    _send(client, location, kind="correction", text="We published Standards Met on 28 November 2026.")
    _confirm(client, smtp_server)
    reply = Reply.objects.get()
    path = newer_dspt_file(tmp_path, code="VLLWV", new_status="26/27 Standards Met", published="23/11/2026")
    served = "/" + urllib.parse.quote(path.name)
    settings.REFRESH_SOURCES = {**settings.REFRESH_SOURCES, "dspt": file_server.url(served)}
    file_server.files[served] = path.read_bytes()
    change = reverse("admin:providers_reply_change", args=[reply.pk])
    page = admin_client.get(change).content.decode()
    assert "The DSPT record we hold" in page and "VLLWV" in page and "OrganisationSearch/VLLWV" in page
    other_before = {o.ods_code: o.current_assessment_id for o in
                    Location.objects.exclude(pk=location.pk).with_dspt_status() for o in [o.dspt_organisation] if o}
    admin_client.post(change, {"text": reply.text, "decline_reason": "", "_refresh": "1"})
    fresh = Location.objects.with_dspt_status().get(pk=location.pk)
    assert fresh.current_dspt_assessment.status_text == "26/27 Standards Met"
    other_after = {o.ods_code: o.current_assessment_id for o in
                   Location.objects.exclude(pk=location.pk).with_dspt_status() for o in [o.dspt_organisation] if o}
    assert other_after == other_before  # only that one organisation
    admin_client.post(change, {"text": reply.text, "decline_reason": "", "_done": "1"})
    assert Reply.objects.get().state == Reply.State.DONE

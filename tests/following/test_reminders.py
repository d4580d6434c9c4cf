"""Renewal reminders for a care service: 8 weeks, 4 weeks and 1 week before its result stops counting, on the day
it stops, and when a new result appears; each once, with the right dates across the turn of the year and in a
leap year (the dates come from the DSPT rule, providers/results/dspt_status.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from providers.following import reminders, sending, services
from providers.register.models import DsptAssessment
from providers.results.dspt_status import result_for, year_label
from tests.factories import DsptAssessmentFactory, LocationFactory, organisation_with_status
from tests.following.conftest import body
from tests.following.test_following import press_yes

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_reminders_through_a_year_from_a_sign_up_at_new_year(client, smtp_server, time_machine):
    time_machine.move_to(at(dt.date(2026, 12, 31), 23), tick=False)
    organisation = organisation_with_status(ods_code="VREM1", year_start=2025)  # 2025-26: counts until 30 June 2027
    service = LocationFactory(name="Rose Court", dspt_organisation=organisation, dspt_match="location")
    client.post(reverse("follow"), {"email": "manager@rosecourt.example", "remind": service.cqc_location_id})
    sending.send_due()
    time_machine.move_to(at(dt.date(2027, 1, 1), 0), tick=False)  # confirmed as the year turns
    press_yes(client, smtp_server.messages[-1])

    heard = {}
    for day in [dt.date(2027, 1, 1), dt.date(2027, 5, 5), dt.date(2027, 5, 6), dt.date(2027, 5, 7),
                dt.date(2027, 6, 2), dt.date(2027, 6, 3), dt.date(2027, 6, 23), dt.date(2027, 6, 24),
                dt.date(2027, 6, 30), dt.date(2027, 7, 1), dt.date(2027, 7, 2)]:
        time_machine.move_to(at(day), tick=False)
        before = len(smtp_server.messages)
        services.make_reminders(day)
        services.make_reminders(day)  # the worker may run twice: still once
        sending.send_due()
        heard[day] = [str(m["Subject"]) for m in smtp_server.messages[before:]]

    stops = "Renew your DSPT check: the result of Rose Court stops counting on 1 July 2027"
    assert heard == {
        dt.date(2027, 1, 1): [], dt.date(2027, 5, 5): [], dt.date(2027, 5, 6): [stops], dt.date(2027, 5, 7): [],
        dt.date(2027, 6, 2): [], dt.date(2027, 6, 3): [stops], dt.date(2027, 6, 23): [], dt.date(2027, 6, 24): [stops],
        dt.date(2027, 6, 30): [], dt.date(2027, 7, 1): ["The DSPT result of Rose Court has stopped counting"],
        dt.date(2027, 7, 2): [],
    }
    eight, four, one, lapsed = smtp_server.messages[-4:]
    assert "Renew your DSPT check: 8 weeks left" in body(eight) and "counts until 30 June 2027" in body(eight)
    assert "publish your 2026-27 assessment" in body(eight) and "https://www.dsptoolkit.nhs.uk/" in body(eight)
    assert "Better Security, Better Care" in body(eight) and "http://testserver/for-care-services/renew/" in body(eight)
    assert "4 weeks left" in body(four) and "7 days left" in body(one)
    assert 'now say "Out of date"' in body(lapsed) and "publish your 2026-27 assessment" in body(lapsed)
    assert all(m["List-Unsubscribe"] for m in (eight, four, one, lapsed))

    # The service publishes for 2026-27: "Your badge now shows ...", once.
    time_machine.move_to(at(dt.date(2027, 7, 9)), tick=False)
    new = DsptAssessmentFactory(organisation=organisation, year_start=2026, published_on=dt.date(2027, 7, 8))
    organisation.current_assessment = new
    organisation.save()
    services.make_reminders(dt.date(2027, 7, 9))
    services.make_reminders(dt.date(2027, 7, 10))
    sending.send_due()
    (badge,) = smtp_server.messages[-1:]
    assert badge["Subject"] == "Your badge now shows: Meets the standard"
    assert "(2026-27)" in body(badge) and "It counts until 30 June 2028" in body(badge)
    assert len(smtp_server.messages) == 6  # the confirmation, four reminders and this


@pytest.mark.parametrize("stops_on", [dt.date(2027, 7, 1), dt.date(2028, 7, 1)])  # 2028 is a leap year
def test_each_reminder_is_due_on_its_day(stops_on):
    year = stops_on.year - 2  # the DSPT year whose result stops counting on this day
    record = DsptAssessment(status="met", year_start=year, status_text="Standards Met")

    def due(day: dt.date, sent=(), since=dt.date(2020, 1, 1)):
        found = reminders.reminder_due(result_for(assessment=record, today=day), today=day, sent=list(sent),
                                       told=["meets", year_label(year), True, False], following_since=since)
        return found and (found.stage, found.stops_on)

    assert due(stops_on - dt.timedelta(days=57)) is None
    assert due(stops_on - dt.timedelta(days=56)) == ("8 weeks", stops_on) == due(dt.date(stops_on.year, 5, 6))
    assert due(stops_on - dt.timedelta(days=56), sent=[f"{stops_on}:8 weeks"]) is None
    assert due(stops_on - dt.timedelta(days=28)) == ("4 weeks", stops_on)
    assert due(stops_on - dt.timedelta(days=7)) == ("1 week", stops_on) == due(dt.date(stops_on.year, 6, 24))
    assert due(stops_on - dt.timedelta(days=1)) == ("1 week", stops_on)  # the latest due, if not sent yet
    assert due(stops_on) == ("lapsed", stops_on)
    assert due(stops_on, since=stops_on) is None  # lapsed before they asked: they know
    assert reminders.year_to_publish(stops_on) == f"{year + 1}-{(year + 2) % 100:02d}"


def test_a_late_sign_up_hears_the_time_really_left(client, smtp_server, time_machine):
    time_machine.move_to(at(dt.date(2027, 5, 27)), tick=False)  # 5 weeks before 1 July 2027
    organisation = organisation_with_status(ods_code="VREM2", year_start=2025)
    service = LocationFactory(name="Late Lodge", dspt_organisation=organisation, dspt_match="location")
    client.post(reverse("follow"), {"email": "late@example.org", "remind": service.cqc_location_id})
    sending.send_due()
    press_yes(client, smtp_server.messages[-1])
    services.make_reminders(dt.date(2027, 5, 27))
    sending.send_due()
    assert "Renew your DSPT check: 5 weeks left" in body(smtp_server.messages[-1])

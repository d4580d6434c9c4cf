"""The words of every email we send, made from templates/following/email/ (a plain-text and an HTML part each).

No pictures, no tracking, no rewritten links: each link goes straight to the
page it names. Every message ends with a link to manage what you follow and
a link that stops everything at once (also in the List-Unsubscribe header).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from providers.following import reminders
from providers.following.changes import Change
from providers.following.models import Follow, Subscriber
from providers.results import presenter
from providers.results.dspt_status import Result

CONFIRM_SALT = "following.confirm"


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def confirm_link(subscriber: Subscriber) -> str:
    """A link that works for FOLLOW_CONFIRM_DAYS (signed, with the time it was made)."""
    return link("follow_confirm", signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token))


def stop_link(subscriber: Subscriber) -> str:
    return link("follow_stop", subscriber.token)


def page_link(follow: Follow) -> str:
    return {Follow.Kind.SERVICE: lambda: link("service", follow.key),
            Follow.Kind.REMINDER: lambda: link("service", follow.key),
            Follow.Kind.PROVIDER: lambda: link("provider", follow.key),
            Follow.Kind.AREA: lambda: link("area", follow.key)}[follow.kind]()


def _render(template: str, subject: str, subscriber: Subscriber, **context) -> Email:
    context = {**context, "subject": subject, "manage_url": link("follow_manage", subscriber.token),
               "stop_url": stop_link(subscriber), "site_url": settings.SITE_URL}
    return Email(subject, render_to_string(f"following/email/{template}.txt", context).strip() + "\n",
                 render_to_string(f"following/email/{template}.html", context))


def confirmation(subscriber: Subscriber, follows: list[Follow]) -> Email:
    return _render("confirm", "Confirm your email from DSPT Lookup", subscriber, follows=follows,
                   confirm_url=confirm_link(subscriber), days=settings.FOLLOW_CONFIRM_DAYS)


def digest(subscriber: Subscriber, sections: list[tuple[Follow, list[Change]]], today: dt.date,
           most: int = 50) -> Email:
    """One email for all the changes of one day. Each section lists at most `most` services, then links."""
    count = sum(len(changes) for _, changes in sections)
    shown = [{"follow": follow, "url": page_link(follow), "more": max(len(changes) - most, 0),
              "changes": [{"name": c.name, "sentence": c.sentence, "url": link("service", c.location_id)}
                          for c in changes[:most]]}
             for follow, changes in sections]
    subject = f"DSPT Lookup: {count:,} change{'s' if count != 1 else ''} on {presenter.day(today)}"
    return _render("digest", subject, subscriber, sections=shown, today=today)


def reminder(subscriber: Subscriber, follow: Follow, due: reminders.Reminder, result: Result,
             today: dt.date) -> Email:
    name = " ".join(follow.name.split())  # one line: it goes in the Subject header
    subjects = {reminders.LAPSED: f"The DSPT result of {name} has stopped counting",
                reminders.NEW_RESULT: f"Your badge now shows: {result.status.label}"}
    subject = subjects.get(due.stage, f"Renew your DSPT check: the result of {name} stops counting "
                                      f"on {presenter.day(due.stops_on)}")
    days = max((due.stops_on - today).days, 0)
    time_left = f"{days} day{'s' if days != 1 else ''}" if days < 14 else f"{days // 7} weeks"
    return _render("reminder", subject, subscriber, follow=follow, due=due, result=result, name=name,
                   stage=due.stage, time_left=time_left,
                   last_day=due.stops_on - dt.timedelta(days=1), year=reminders.year_to_publish(due.stops_on),
                   service_url=link("service", follow.key), badge_url=link("badge", follow.key),
                   renew_url=link("renew"), dspt_url="https://www.dsptoolkit.nhs.uk/",
                   help_url="https://www.digitalcarehub.co.uk/")

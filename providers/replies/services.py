"""What happens to a care service's reply: sent, confirmed by email, read by an admin (published, edited,
declined), shown beside the result it answers, archived when that result changes, and forgotten.

A reply never changes the result, the badge or the counts: it is shown next to them, headed as the care
service's own words. It is shown only while the service's result is the one it answered (the same DSPT
record and the same plain result): `shown_for` checks that every time, so a page never shows a reply
beside a newer result, even before `archive_outdated` has run and told the service.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from providers.edge import purge
from providers import freshness
from providers.following.services import queue_email
from providers.replies import emails
from providers.replies.models import Reply

TEXT_LIMIT = 1000


@transaction.atomic
def send(*, location, kind: str, text: str, name: str, email: str) -> Reply:
    """A care service sends a reply. Nothing is shown, or read by an admin, until the address is confirmed.

    The visitor always sees the same answer ('check your email'), whatever the address.
    At most REPLY_CONFIRMATIONS_A_DAY emails go to one address a day.
    """
    text = text.strip()[:TEXT_LIMIT]
    reply = Reply.objects.create(location=location, kind=kind, text=text, sent_text=text, name=name.strip(),
                                 email=email.lower())
    today = timezone.localdate()
    sent_today = Reply.objects.filter(email=reply.email, created_at__date=today).count()
    if sent_today <= settings.REPLY_CONFIRMATIONS_A_DAY:
        queue_email(reply.email, f"reply-confirm:{reply.pk}", emails.confirmation(reply, confirm_link(reply)))
    return reply


CONFIRM_SALT = "replies.confirm"


def confirm_link(reply: Reply) -> str:
    return emails.link("reply_confirm", signing.TimestampSigner(salt=CONFIRM_SALT).sign(reply.token))


def from_confirm_link(signed: str) -> Reply | None:
    """The reply a confirmation link is for; None when the link is wrong or older than FOLLOW_CONFIRM_DAYS."""
    try:
        token = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            signed, max_age=dt.timedelta(days=settings.FOLLOW_CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    return Reply.objects.filter(token=token).select_related("location").first()


def confirm(reply: Reply) -> None:
    """The address is theirs: the reply joins the admins' queue."""
    if reply.state == Reply.State.UNCONFIRMED:
        reply.state, reply.confirmed_at = Reply.State.WAITING, timezone.now()
        reply.save(update_fields=["state", "confirmed_at"])


def _result_now(location, today: dt.date):
    from providers.register.models import Location  # the register's model; replies only read it

    location = Location.objects.with_dspt_status().get(pk=location.pk)
    return location.current_dspt_assessment, location.dspt_result(today).code


@transaction.atomic
def publish(reply: Reply, *, by: str, today: dt.date | None = None) -> None:
    """Show the reply beside the result shown today; tell the care service."""
    today = today or timezone.localdate()
    assessment, code = _result_now(reply.location, today)
    reply.state, reply.assessment, reply.result_code = Reply.State.PUBLISHED, assessment, code
    reply.published_on, reply.decided_at, reply.decided_by = today, timezone.now(), by
    reply.save()
    queue_email(reply.email, f"reply-published:{reply.pk}", emails.published(reply))
    _pages_changed(reply)


def _pages_changed(reply: Reply) -> None:
    """The service's pages show a reply (or no longer do): a new data version (new ETags), and a purge."""
    freshness.data_changed()
    purge.service_changed(reply.location.cqc_location_id)


@transaction.atomic
def decline(reply: Reply, *, reason: str, by: str) -> None:
    """Not shown; the reason goes to the care service by email."""
    reply.state, reply.decline_reason = Reply.State.DECLINED, reason.strip()
    reply.decided_at, reply.decided_by = timezone.now(), by
    reply.save()
    queue_email(reply.email, f"reply-declined:{reply.pk}", emails.declined(reply))


def mark_done(reply: Reply, *, by: str) -> None:
    """A correction request dealt with (refreshed, or checked and found right)."""
    reply.state, reply.decided_at, reply.decided_by = Reply.State.DONE, timezone.now(), by
    reply.save(update_fields=["state", "decided_at", "decided_by"])


def shown_for(location, result, assessment) -> Reply | None:
    """The published reply to show beside this result, or None. Only one that answered this very result."""
    if assessment is None:
        return None
    return (Reply.objects.shown().filter(location=location, assessment=assessment, result_code=result.code)
            .order_by("-published_on", "-pk").first())


def archive_outdated(today: dt.date) -> int:
    """Published replies whose result has changed (a newer record, or the same one no longer counting):
    archived, and the care service told it can send a new one. Returns how many."""
    archived = 0
    for reply in Reply.objects.shown().select_related("location"):
        assessment, code = _result_now(reply.location, today)
        if assessment is not None and assessment.pk == reply.assessment_id and code == reply.result_code:
            continue
        with transaction.atomic():
            reply.state, reply.archived_at = Reply.State.ARCHIVED, timezone.now()
            reply.save(update_fields=["state", "archived_at"])
            queue_email(reply.email, f"reply-archived:{reply.pk}", emails.archived(reply))
            _pages_changed(reply)
        archived += 1
    return archived


def forget(now: dt.datetime) -> dict[str, int]:
    """Unconfirmed replies after FOLLOW_CONFIRM_DAYS; addresses REPLY_KEEP_EMAIL_DAYS after the last email
    we would send (declined, archived, or a correction dealt with). The words of a published reply stay."""
    unconfirmed = Reply.objects.filter(state=Reply.State.UNCONFIRMED,
                                       created_at__lt=now - dt.timedelta(days=settings.FOLLOW_CONFIRM_DAYS)).delete()[0]
    finished = now - dt.timedelta(days=settings.REPLY_KEEP_EMAIL_DAYS)
    addresses = (Reply.objects.exclude(email="")
                 .filter(state__in=[Reply.State.DECLINED, Reply.State.DONE], decided_at__lt=finished)
                 .update(email="")
                 + Reply.objects.exclude(email="").filter(state=Reply.State.ARCHIVED, archived_at__lt=finished)
                 .update(email=""))
    return {"unconfirmed replies": unconfirmed, "reply addresses": addresses}

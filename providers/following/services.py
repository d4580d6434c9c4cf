"""What following does: sign up, confirm, stop; the daily digests and reminders; forgetting what we no longer need.

Every message is queued as a Message row with a key that makes it once only
(see models.Message); providers/following/sending.py sends them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from providers.following import changes, emails, reminders
from providers.following.models import Follow, Message, Subscriber

logger = logging.getLogger(__name__)


def queue(subscriber: Subscriber, key: str, email: emails.Email) -> bool:
    """Queue one message, once: False if a message with this key was queued before."""
    try:
        with transaction.atomic():
            Message.objects.create(key=key, subscriber=subscriber, to=subscriber.email, subject=email.subject[:200],
                                   text=email.text, html=email.html, next_attempt_at=timezone.now())
        return True
    except IntegrityError:
        return False


def queue_email(to: str, key: str, email: emails.Email) -> bool:
    """Queue one email that is not about following (no unsubscribe link: it answers something they sent), once."""
    if not to:
        return False
    try:
        with transaction.atomic():
            Message.objects.create(key=key, to=to, subject=email.subject[:200], text=email.text, html=email.html,
                                   next_attempt_at=timezone.now())
        return True
    except IntegrityError:
        return False


@transaction.atomic
def sign_up(*, email: str, kind: str, key: str, name: str) -> None:
    """Someone asks us to email `email` about something. Nothing is sent until they confirm.

    Whatever the address's state, the visitor sees the same answer (no one can
    learn who follows what). One confirmation email a day at most, however many
    sign-ups an address gets; it asks about every follow waiting.
    """
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(email=email.lower())
    follow, made = Follow.objects.get_or_create(subscriber=subscriber, kind=kind, key=key, defaults={"name": name})
    if follow.confirmed_at or subscriber.confirmation_sent_on == timezone.localdate():
        return
    waiting = list(subscriber.follows.waiting())
    if queue(subscriber, f"confirm:{subscriber.pk}:{timezone.localdate().isoformat()}",
             emails.confirmation(subscriber, waiting)):
        subscriber.confirmation_sent_on = timezone.localdate()
        subscriber.save(update_fields=["confirmation_sent_on"])


def subscriber_from_confirm_link(signed: str) -> Subscriber | None:
    """The subscriber a confirmation link is for; None if the link is wrong or older than FOLLOW_CONFIRM_DAYS."""
    signer = signing.TimestampSigner(salt=emails.CONFIRM_SALT)
    try:
        token = signer.unsign(signed, max_age=dt.timedelta(days=settings.FOLLOW_CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(token=token).first()


@transaction.atomic
def confirm(subscriber: Subscriber, follow_ids: list[int]) -> list[Follow]:
    """Start emails for these waiting follows (those the confirmation page showed).

    What we would tell today becomes what we have told: the first digest says
    only what changes after this.
    """
    today = timezone.localdate()
    confirmed = []
    for follow in subscriber.follows.waiting().filter(pk__in=follow_ids).select_for_update():
        follow.confirmed_at = timezone.now()
        follow.told = {i: told for i, (_, told) in changes.looks_now(follow, today).items()}
        follow.save(update_fields=["confirmed_at", "told"])
        confirmed.append(follow)
    return confirmed


def stop_following(follow: Follow) -> None:
    """Stop one follow; the address goes with its last one."""
    with transaction.atomic():
        subscriber = follow.subscriber
        follow.delete()
        if not subscriber.follows.exists():
            subscriber.delete()


def stop_everything(subscriber: Subscriber) -> None:
    """One-click unsubscribe: every follow, the address and its messages."""
    subscriber.delete()


def make_digests(today: dt.date) -> int:
    """Queue today's digest for each address whose followed services changed. Returns how many."""
    made, seen = 0, {}  # seen: each area, provider or service worked out once, however many follow it
    followers = Subscriber.objects.filter(follows__in=Follow.objects.confirmed().exclude(kind=Follow.Kind.REMINDER))
    for subscriber in followers.distinct().iterator():
        made += _digest_for(subscriber, today, seen)
    return made


@transaction.atomic
def _digest_for(subscriber: Subscriber, today: dt.date, seen: dict) -> int:
    follows = subscriber.follows.confirmed().exclude(kind=Follow.Kind.REMINDER).select_for_update()
    sections = []
    for follow in follows:
        if (follow.kind, follow.key) not in seen:
            seen[follow.kind, follow.key] = changes.looks_now(follow, today)
        now = seen[follow.kind, follow.key]
        found = changes.changes_since(follow.told, now, whole_area=follow.kind != Follow.Kind.SERVICE)
        if found:
            sections.append((follow, found))
            follow.told = {i: told for i, (_, told) in now.items()}
            follow.save(update_fields=["told"])
    if not sections:
        return 0
    # Rolled back with `told` if the key was used today already: told once, and nothing lost.
    if not queue(subscriber, f"digest:{subscriber.pk}:{today.isoformat()}", emails.digest(subscriber, sections, today)):
        transaction.set_rollback(True)
        return 0
    return 1


def make_reminders(today: dt.date) -> int:
    """Queue the renewal reminders due today. Returns how many."""
    made = 0
    for follow in Follow.objects.confirmed().filter(kind=Follow.Kind.REMINDER).select_related("subscriber"):
        made += _reminder_for(follow.pk, today)
    return made


@transaction.atomic
def _reminder_for(follow_id: int, today: dt.date) -> int:
    follow = Follow.objects.select_for_update().select_related("subscriber").get(pk=follow_id)
    location = changes.followed_services(follow).first()
    if location is None:
        return 0
    result = location.dspt_result(today)
    told = follow.told.get(follow.key)
    due = reminders.reminder_due(result, today=today, sent=follow.reminders_sent, told=told,
                                 following_since=timezone.localdate(follow.confirmed_at))
    follow.told = {follow.key: [result.code, result.year_label, result.registered, result.dormant]}
    if due is None:
        follow.save(update_fields=["told"])
        return 0
    queued = queue(follow.subscriber, f"reminder:{follow.pk}:{due.key}",
                   emails.reminder(follow.subscriber, follow, due, result, today))
    follow.reminders_sent = [*follow.reminders_sent, due.key][-20:]
    follow.save(update_fields=["told", "reminders_sent"])
    return int(queued)


def forget_what_we_no_longer_need(now: dt.datetime) -> dict[str, int]:
    """The tidy-up: unconfirmed sign-ups after FOLLOW_CONFIRM_DAYS, addresses that follow nothing, sent
    messages after FOLLOW_KEEP_SENT_DAYS. Returns what went."""
    waited = now - dt.timedelta(days=settings.FOLLOW_CONFIRM_DAYS)
    follows = Follow.objects.waiting().filter(created_at__lt=waited).delete()[0]
    # (With an address go its messages: delete()'s count would add them in, so count addresses alone.)
    addresses = Subscriber.objects.filter(follows__isnull=True, created_at__lt=now - dt.timedelta(hours=1)).delete()
    kept = now - dt.timedelta(days=settings.FOLLOW_KEEP_SENT_DAYS)
    messages = Message.objects.filter(state=Message.State.SENT, sent_at__lt=kept).delete()[0]
    addresses = addresses[1].get(Subscriber._meta.label, 0)
    return {"sign-ups": follows, "addresses": addresses, "messages": messages}

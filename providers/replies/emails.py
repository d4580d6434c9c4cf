"""The emails a care service gets about its reply: confirm your address, published, declined (with the
reason), archived. Plain words, one link each, no tracking. Made from templates/replies/email.txt and .html."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from providers.following.emails import Email


def link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _email(subject: str, reply, paragraphs: list[str], *, button: tuple[str, str] | None = None) -> Email:
    context = {"subject": subject, "paragraphs": paragraphs, "button": button, "reply": reply,
               "service_url": link("service", reply.location.cqc_location_id), "site_url": settings.SITE_URL}
    return Email(subject, render_to_string("replies/email.txt", context).strip() + "\n",
                 render_to_string("replies/email.html", context))


def _which(reply) -> str:
    return "request for a correction" if reply.kind == "correction" else "reply"


def confirmation(reply, confirm_url: str) -> Email:
    return _email(f"Confirm your {_which(reply)} about {reply.location.display_name}", reply, [
        f"Someone, probably you, sent DSPT Lookup a {_which(reply)} about {reply.location.display_name}.",
        "We only read it once you confirm this email address. Open the link and press \"Send my "
        f"{_which(reply)}\". The link works for {settings.FOLLOW_CONFIRM_DAYS} days.",
        "If you did not send it, do nothing: we will delete it.",
    ], button=("Confirm", confirm_url))


def published(reply) -> Email:
    return _email(f"Your reply about {reply.location.display_name} is published", reply, [
        "We have published your reply beside your DSPT result, as your own words.",
        "It stays there until your result changes. Then we will tell you, and you can send a new one.",
        *(["We took out some words before publishing it, such as names or contact details."]
          if reply.text != reply.sent_text else []),
    ])


def declined(reply) -> Email:
    return _email(f"Your {_which(reply)} about {reply.location.display_name}", reply, [
        f"We read your {_which(reply)}. We have not published it." if reply.kind == "reply"
        else f"We read your {_which(reply)}.",
        f"Why: {reply.decline_reason}" if reply.decline_reason else "",
        "You can send another one from your service's page.",
    ])


def archived(reply) -> Email:
    return _email(f"Your result on DSPT Lookup has changed: {reply.location.display_name}", reply, [
        "Your DSPT result on DSPT Lookup has changed, so we no longer show your reply beside it.",
        "You can send a new reply from your service's page.",
    ])

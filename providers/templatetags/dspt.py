"""Template tags for showing DSPT statuses the same way everywhere."""

import functools

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from providers.register import phones
from providers.results.dspt_status import PlainStatus
from providers.results.presenter import present

register = template.Library()


@register.simple_tag
def status_tag(status: PlainStatus, size: str = ""):
    """{% status_tag location.dspt_status %} -> a tag with an icon and the words (never colour alone).

    The tag depends only on the result and the size, so each is drawn once
    per process (a results page shows twenty).
    """
    return _status_tag_html(status.code, status.label, size)


@functools.lru_cache(maxsize=64)
def _status_tag_html(code: str, label: str, size: str) -> str:
    look = present(code)
    return mark_safe(render_to_string("components/status_tag.html", {  # noqa: S308 (our own template, escaped)
        "status": {"code": code, "label": label}, "colour": look.tag, "icon": look.icon, "size": size}))


@register.simple_tag
def plain_status_of(location, today=None):
    """{% plain_status_of location today as status %}"""
    return location.dspt_status(today or timezone.localdate())


@register.filter
def phone_link(phone: str) -> str:
    """'0151 000 0000' -> 'tel:+441510000000' (a link a phone can call), or '' if it is not a number."""
    return phones.phone_link(phone)


@register.filter
def phone_display(phone: str) -> str:
    """'01510000000' -> '0151 000 0000'."""
    return phones.phone_display(phone)


@register.simple_tag
def dormant_words() -> str:
    """The words for a service CQC says is not providing care at the moment (one place: the presenter)."""
    from providers.results.presenter import DORMANT_SENTENCE

    return DORMANT_SENTENCE

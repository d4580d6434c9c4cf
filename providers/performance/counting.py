"""Counting what happens, without tracking anyone (docs/adr/0029-measuring-in-public.md).

A count is a number a day for one thing (Tally): no cookie, no address, nothing stored about the person,
and nothing at all for a browser that sends `Sec-GPC: 1` (Global Privacy Control). Pages a cache keeps are
counted by a tiny image each page asks for (`/count.gif`, never cached), so a page served from the cache is
counted too; what the app does itself (a follow confirmed, a letter made) is counted where it happens.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.urls import get_resolver
from django.utils import timezone

from providers.performance.models import Tally, UnfoundSearch
from providers.performance.scrub import scrub

# The things we count. The performance page and the privacy notice describe each.
PAGE_VIEW = "page_view"  # dimension: the page type (its URL name)
SEARCH = "search"
SEARCH_FOUND_NOTHING = "search_found_nothing"
SEARCH_TO_SERVICE = "search_to_service"  # a service page opened from a list of search results
DID_YOU_MEAN = "did_you_mean"  # a "Did you mean" suggestion followed
USEFUL_YES, USEFUL_NO = "useful_yes", "useful_no"  # dimension: the page type
FOLLOW = "follow"  # an email follow confirmed
LETTER = "letter"  # letters made on /your-rights/
BADGE_SHOWN = "badge_shown"  # dimension: a care service whose badge another website showed that day


def allowed(request) -> bool:
    """False when the browser asks not to be counted (Global Privacy Control)."""
    return request is None or request.headers.get("Sec-GPC", "").strip() != "1"


def count(metric: str, dimension: str = "", *, request=None, by: int = 1) -> None:
    """Add `by` to today's count of `metric` (for `dimension`). One statement, safe from any process."""
    if not allowed(request):
        return
    table = Tally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""INSERT INTO {table} (day, metric, dimension, count) VALUES (%s, %s, %s, %s)
                           ON CONFLICT (day, metric, dimension) DO UPDATE SET count = {table}.count + EXCLUDED.count""",
                       [timezone.localdate(), metric, dimension[:60], by])


def unfound(query: str, *, request=None) -> None:
    """A search that found nothing: its words, scrubbed, counted for today (nothing kept when nothing is left)."""
    words = scrub(query)
    if not words or not allowed(request):
        return
    table = UnfoundSearch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""INSERT INTO {table} (day, words, count) VALUES (%s, %s, 1)
                           ON CONFLICT (day, words) DO UPDATE SET count = {table}.count + 1""",
                       [timezone.localdate(), words])


@functools.cache
def page_types() -> frozenset[str]:
    """Every page's URL name: a view is counted only under a name we have (never words a stranger sends)."""
    return frozenset(name for name in get_resolver().reverse_dict if isinstance(name, str))


_badges_counted: set[tuple] = set()


def badge_shown(request, location_id: str) -> None:
    """A badge fetched by another website's page: counted once a day a service (once a process, too)."""
    referer = request.headers.get("Referer", "")
    if not referer or request.get_host() in referer.split("/")[2:3]:
        return  # our own pages, or a client that says nothing (an email program, a letter's PDF)
    key = (timezone.localdate(), location_id)
    if key in _badges_counted:
        return
    if len(_badges_counted) > 100_000:
        _badges_counted.clear()
    _badges_counted.add(key)
    count(BADGE_SHOWN, location_id, request=request)

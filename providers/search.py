"""Finding care services from what someone typed: shared by the search page and the API.

    result = find_services(query="L8 1AA", category="", status="", today=date.today())
    result.services   # a QuerySet, nearest or best match first
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from providers.models import Location
from providers.postcode_lookup import Place, locate
from providers.postcodes import parse_partial_postcode

PAGE_SIZE = 20
# Postcode searches look this far, widening only until a page is full:
# sorting every service within 50 miles of a city centre is slow and
# nobody reads that far.
SEARCH_RADII_MILES = (3, 10, 25, 50)
# A search uses at most this many words and characters. Real names are
# shorter; a long string of words only makes a slow query for everyone
# (each word adds to the full-text and typo-forgiving matches).
MAX_SEARCH_WORDS = 8
MAX_SEARCH_CHARS = 80


@dataclass
class SearchResult:
    services: QuerySet
    place: Place | None = None  # set for a postcode search
    radius: int | None = None  # miles, for a postcode search
    unknown_postcode: str = ""  # set when the postcode is not one we know
    used_query: str = ""  # the words searched for, when the query was shortened


def find_services(*, query: str, category: str = "", status: str = "", today: dt.date) -> SearchResult:
    """Registered services matching a name, town or postcode, with optional filters."""
    query, shortened = bounded_query(query)
    services = (
        Location.objects.registered()
        .of_category(category)
        .with_plain_status(status, today)
        .with_dspt_status()
    )
    postcode = parse_partial_postcode(query)
    if postcode:
        place = locate(*postcode)
        if place is None:
            return SearchResult(services=services.none(), unknown_postcode=postcode[1])
        nearby, radius = nearest(services, place)
        return SearchResult(services=nearby, place=place, radius=radius)
    return SearchResult(services=services.search(query), used_query=query if shortened else "")


def bounded_query(query: str) -> tuple[str, bool]:
    """The query cut to MAX_SEARCH_WORDS words and MAX_SEARCH_CHARS characters, and whether it was cut."""
    words = query.split()
    kept = " ".join(words[:MAX_SEARCH_WORDS])
    if len(kept) > MAX_SEARCH_CHARS:
        kept = kept[:MAX_SEARCH_CHARS].rsplit(" ", 1)[0] if " " in kept[:MAX_SEARCH_CHARS] else kept[:MAX_SEARCH_CHARS]
    return kept, kept != " ".join(words)


def nearest(services: QuerySet, place: Place) -> tuple[QuerySet, int]:
    """Services near `place`, within the smallest radius that fills a page of results."""
    for miles in SEARCH_RADII_MILES:
        nearby = services.near(place.latitude, place.longitude, miles=miles)
        if miles == SEARCH_RADII_MILES[-1] or nearby[:PAGE_SIZE].count() == PAGE_SIZE:
            return nearby, miles
    raise AssertionError("unreachable")

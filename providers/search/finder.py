"""Finding care services from what someone typed: shared by the search page and the API.

    result = find_services(query="L8 1AA", category="", status="", today=date.today())
    result.services   # a QuerySet, nearest or best match first

What was typed is tried as, in order (docs/adr/0013-search-ranking-and-typos.md):
1. a code: a CQC location or provider ID ("1-545611283"), or an ODS code
   ("VLLWV"): that service, or the provider's services;
2. a postcode, full or partial: services nearest to it, within the smallest
   radius that fills a page (25 miles at most);
3. words: a service's name, brand, town, local authority, street or provider,
   typos corrected (providers/search/planning.py). The page then asks
   "Did you mean ...?".

A page of the result: providers/search/paging.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from django.db.models import BooleanField, Count, F, Func, Q, QuerySet, Value

from providers.register.models import Location, Provider
from providers.search.keys import NameKey
from providers.search.paging import PAGE_SIZE
from providers.search.planning import MAX_SEARCH_WORDS, plan_words
from providers.search.postcode_lookup import Place, locate
from providers.search.postcodes import parse_partial_postcode

# Postcode searches look this far, widening only until a page is full.
SEARCH_RADII_MILES = (3, 10, 25)
# A search uses at most this many characters (and MAX_SEARCH_WORDS words). Real names are
# shorter; a long string of words only makes a slow query for everyone.
MAX_SEARCH_CHARS = 80
CQC_ID = re.compile(r"^1-\d{4,15}$")
ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}(-[A-Z0-9]{1,10})?$")


@dataclass
class SearchResult:
    services: QuerySet
    place: Place | None = None  # set for a postcode search
    radius: int | None = None  # miles, for a postcode search
    unknown_postcode: str = ""  # set when the postcode is not one we know
    used_query: str = ""  # the words searched for, when the query was shortened
    did_you_mean: str = ""  # the query as corrected, when it matched only through a correction
    exact_location_id: str = ""  # a code that names one service: go straight to it
    code: str = ""  # the code searched for, when the query was one
    words: str = ""  # the words searched for, when the query was words

    @cached_property
    def providers(self) -> list:
        """Providers whose name was typed ("Care services run by ..."): asked for by the search page only."""
        return providers_named(self.words) if self.words else []


def find_services(*, query: str, category: str = "", status: str = "", today: dt.date) -> SearchResult:
    """Registered services matching a code, postcode, name, town or street, with optional filters."""
    query, shortened = bounded_query(query)
    used_query = query if shortened else ""
    services = Location.objects.registered().of_category(category).with_plain_status(status, today)
    by_code = find_by_code(services, query)
    if by_code is not None:
        return by_code
    postcode = parse_partial_postcode(query)
    if postcode:
        place = locate(*postcode)
        if place is None:
            return SearchResult(services=services.none(), unknown_postcode=postcode[1])
        nearby, radius = nearest(services, place)
        return SearchResult(services=nearby, place=place, radius=radius)
    plan = plan_words(query)
    if plan is None:
        return SearchResult(services=services.none(), used_query=used_query)
    return SearchResult(services=services.matching(plan), used_query=used_query, did_you_mean=plan.did_you_mean,
                        words=query)


def providers_named(query: str, *, most: int = 3) -> list[Provider]:
    """Providers whose name is what was typed (compared as matching keys: 'Midshires Care' finds
    'MIDSHIRES CARE LIMITED'), with `services`, how many registered care services each runs. One query."""
    return list(Provider.objects.filter(name_key=NameKey(Value(query)))
                .annotate(services=Count("locations", filter=Q(locations__deregistered_on__isnull=True)))
                .filter(services__gt=0).order_by("-services", "name")[:most])


def bounded_query(query: str) -> tuple[str, bool]:
    """The query cut to MAX_SEARCH_WORDS words and MAX_SEARCH_CHARS characters, and whether it was cut."""
    words = query.split()
    kept = " ".join(words[:MAX_SEARCH_WORDS])
    if len(kept) > MAX_SEARCH_CHARS:
        kept = kept[:MAX_SEARCH_CHARS].rsplit(" ", 1)[0] if " " in kept[:MAX_SEARCH_CHARS] else kept[:MAX_SEARCH_CHARS]
    return kept, kept != " ".join(words)


def nearest(services: QuerySet, place: Place) -> tuple[QuerySet, int]:
    """Services near `place`, within the smallest radius that fills a page of results.

    For each radius but the widest, one query asks whether a page's worth of
    services lies within it (is there a 20th nearest?): in a city the first,
    smallest circle answers, and a small circle holds few rows to measure.
    """
    for miles in SEARCH_RADII_MILES[:-1]:
        within = services.near(place.latitude, place.longitude, miles=miles)
        if within.order_by("distance").values_list("distance", flat=True)[PAGE_SIZE - 1:PAGE_SIZE]:
            return within, miles
    return services.near(place.latitude, place.longitude, miles=SEARCH_RADII_MILES[-1]), SEARCH_RADII_MILES[-1]


# --- Codes ------------------------------------------------------------------------------


def find_by_code(services: QuerySet, query: str) -> SearchResult | None:
    """A CQC ID or ODS code typed in the box: its service, or its provider's services. None if it is not one."""
    code = query.strip().upper()
    if CQC_ID.match(code):
        providers = Provider.objects.filter(cqc_provider_id=code)
        own = Q(cqc_location_id=code)
    elif ODS_CODE.match(code) and " " not in query.strip() and _looks_like_ods_code(code):
        providers = Provider.objects.filter(ods_code=code)
        own = Q(ods_code=code)
    else:
        return None
    # The provider's IDs as an array worked out first, so each side of the OR uses its own index.
    of_provider = Q(EqualsAnyOf(F("provider_id"), providers.order_by().values("pk")[:10]))
    found = services.filter(own | of_provider).order_by("dormant", "name", "pk")
    first_two = list(found.values_list("cqc_location_id", "ods_code")[:2])
    if not first_two:
        return None  # "Louth" looks like an ODS code too: search it as words
    exact = len(first_two) == 1 and code in first_two[0]
    return SearchResult(services=found, code=code, exact_location_id=first_two[0][0] if exact else "")


class EqualsAnyOf(Func):
    """column = ANY(ARRAY(subquery)): the planner works out the list once, then looks each up in an index."""

    arg_joiner = " = ANY(ARRAY("
    template = "%(expressions)s))"
    output_field = BooleanField()


def _looks_like_ods_code(code: str) -> bool:
    """ODS codes have a digit (VJ0S1, RL401, A560), or are a trust's three letters (RWD) or a care home's V and
    four letters (VLLWV). A town ("LOUTH") is none of these, so it costs no code lookup."""
    return any(ch.isdigit() for ch in code) or len(code) == 3 or (len(code) == 5 and code.startswith("V"))



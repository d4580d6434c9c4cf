"""Finding care services from what someone typed: shared by the search page and the API.

    result = find_services(query="L8 1AA", category="", status="", today=date.today())
    result.services   # a QuerySet, nearest or best match first

What was typed is tried as, in order (docs/adr/0013-search-ranking-and-typos.md):
1. a code: a CQC location or provider ID ("1-545611283"), or an ODS code
   ("VLLWV"): that service, or the provider's services;
2. a postcode, full or partial: services nearest to it, within the smallest
   radius that fills a page (25 miles at most);
3. words: a service's name, brand, town, local authority, street or provider.
   Each word not in the list of words we hold (SearchWord) is corrected to
   the known words one edit away (a letter swapped, dropped, added or
   changed); a word run together ("sunnyside") or split ("sunny side") is
   tried both ways. The page then asks "Did you mean ...?".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from providers.models import Location, Provider, SearchWord
from providers.postcode_lookup import Place, locate
from providers.postcodes import parse_partial_postcode
from providers.search_keys import search_key

PAGE_SIZE = 20
# Postcode searches look this far, widening only until a page is full.
SEARCH_RADII_MILES = (3, 10, 25)
# A search uses at most this many words and characters. Real names are
# shorter; a long string of words only makes a slow query for everyone.
MAX_SEARCH_WORDS = 8
MAX_SEARCH_CHARS = 80
# Words shorter than this are not corrected: too many other words are one edit away.
MIN_CORRECTED_LENGTH = 4
# For each misspelt word, search for at most this many corrections (the most used first).
CORRECTIONS_PER_WORD = 3
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
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
    exact_service: Location | None = None  # a code that names one service: go straight to it
    code: str = ""  # the code searched for, when the query was one


def find_services(*, query: str, category: str = "", status: str = "", today: dt.date) -> SearchResult:
    """Registered services matching a code, postcode, name, town or street, with optional filters."""
    query, shortened = bounded_query(query)
    used_query = query if shortened else ""
    services = (
        Location.objects.registered()
        .of_category(category)
        .with_plain_status(status, today)
        .with_dspt_status()
    )
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
    return SearchResult(services=services.matching(plan), used_query=used_query, did_you_mean=plan.did_you_mean)


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


# --- Codes ------------------------------------------------------------------------------


def find_by_code(services: QuerySet, query: str) -> SearchResult | None:
    """A CQC ID or ODS code typed in the box: its service, or its provider's services. None if it is not one."""
    code = query.strip().upper()
    if CQC_ID.match(code):
        condition = Q(cqc_location_id=code) | Q(provider__cqc_provider_id=code)
    elif ODS_CODE.match(code) and " " not in query.strip():
        providers = Provider.objects.filter(ods_code=code).values("pk")
        condition = Q(ods_code=code) | Q(provider_id__in=providers)
    else:
        return None
    found = services.filter(condition).order_by("dormant", "name", "pk")
    first_two = list(found[:2])
    if not first_two:
        return None  # "Louth" looks like an ODS code too: search it as words
    own = [service for service in first_two if code in (service.cqc_location_id, service.ods_code)]
    return SearchResult(services=found, code=code, exact_service=own[0] if len(first_two) == 1 and own else None)


# --- Words ------------------------------------------------------------------------------


@dataclass
class WordPlan:
    """What to search for.

    tsquery: every typed word or its corrections (the last may be a prefix);
    in_name: the same, matched in the service's own name only;
    whole_words: the words exactly as typed, all whole; key: the same as
    text, to compare with the whole name; place_key: the words as corrected,
    to compare with town and local authority names.
    """

    tsquery: str
    in_name: str
    whole_words: str
    key: str
    place_key: str
    did_you_mean: str = ""


def plan_words(query: str) -> WordPlan | None:
    """Turn typed words into a search, correcting the ones we do not know. None if nothing is left to search."""
    words = search_key(query).split()[:MAX_SEARCH_WORDS]
    if not words:
        return None
    known = _known_words(words)
    last_is_prefix = _is_prefix(words[-1])
    corrections = _corrections([w for w in words if w not in known and len(w) >= MIN_CORRECTED_LENGTH
                                and not (w == words[-1] and last_is_prefix)])
    slots, in_name, chosen = [], [], []
    for position, word in enumerate(words):
        is_last = position == len(words) - 1
        # A word we know stays; one we do not is replaced by its corrections, or kept as typed if it has none.
        options = [word] if word in known or (is_last and last_is_prefix) else corrections.get(word) or [word]
        split, prefix = known.get(("split", word)), is_last and last_is_prefix
        slots.append(_slot(options, prefix=prefix, split=split))
        in_name.append(_slot(options, prefix=prefix, split=split, weight="A"))
        chosen.append(options[0])
    _join_pairs(words, known, slots)
    _join_pairs(words, known, in_name, weight="A")
    return WordPlan(tsquery=" & ".join(slots), in_name=" & ".join(in_name), whole_words=" & ".join(words),
                    key=" ".join(words), place_key=" ".join(chosen),
                    did_you_mean=" ".join(chosen) if chosen != words else "")


def _slot(options: list[str], *, prefix: bool, split: tuple[str, str] | None, weight: str = "") -> str:
    """One typed word as tsquery: its options (or its split halves side by side), the last as a prefix.

    weight "A" matches the word only in a service's own name (see search_keys).
    """
    label = ":*" + weight if prefix else (":" + weight if weight else "")
    terms = [option + label for option in options]
    if split:
        terms.append(f"({split[0]}{label} <-> {split[1]}{label})")
    return terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")"


def _join_pairs(words: list[str], known: dict, slots: list[str], weight: str = "") -> None:
    """'sunny side' also finds 'Sunnyside': two typed words that are one known word when joined."""
    for position in range(len(words) - 1):
        joined = words[position] + words[position + 1]
        if joined in known and slots[position] and slots[position + 1]:
            slots[position] = f"(({slots[position]} & {slots[position + 1]}) | {joined}{':' + weight if weight else ''})"
            slots[position + 1] = ""
    slots[:] = [slot for slot in slots if slot]


def _known_words(words: list[str]) -> dict:
    """Which typed words, joined pairs and two-word splits are in the word list.

    Returns {word: services} for known words and joins, and {("split", word): (a, b)}
    for a typed word that is two known words run together.
    """
    splits = {(word[:cut], word[cut:]): word for word in words if len(word) >= 6 for cut in range(3, len(word) - 2)}
    joins = [a + b for a, b in zip(words, words[1:])]
    candidates = set(words) | set(joins) | {half for pair in splits for half in pair}
    found = dict(SearchWord.objects.filter(word__in=candidates).values_list("word", "services"))
    known = {word: found[word] for word in set(words) | set(joins) if word in found}
    for (first, second), word in splits.items():
        if first in found and second in found and ("split", word) not in known:
            known[("split", word)] = (first, second)
    return known


def _is_prefix(word: str) -> bool:
    """Whether a known word starts with `word` (so the last word may be one still being typed)."""
    return SearchWord.objects.filter(word__startswith=word).exists()


def _corrections(words: list[str]) -> dict[str, list[str]]:
    """For each word, the known words one edit away, the most used first."""
    if not words:
        return {}
    edits = {word: _one_edit(word) for word in words}
    found = dict(SearchWord.objects.filter(word__in=set().union(*edits.values())).values_list("word", "services"))
    return {word: sorted((c for c in candidates if c in found), key=lambda c: (-found[c], c))[:CORRECTIONS_PER_WORD]
            for word, candidates in edits.items()}


def _one_edit(word: str) -> set[str]:
    """Every string one letter swapped, dropped, added or changed from `word`."""
    splits = [(word[:cut], word[cut:]) for cut in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + letter + b[1:] for a, b in splits if b for letter in LETTERS}
    added = {a + letter + b for a, b in splits for letter in LETTERS}
    return (dropped | swapped | changed | added) - {word}

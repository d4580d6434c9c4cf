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
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, Q, QuerySet, Value, Window
from django.urls import reverse

from providers.register.models import Location, Provider
from providers.results.dspt_status import PlainStatus, plain_status
from providers.results.presenter import distance_words
from providers.search.keys import NameKey, search_key
from providers.search.models import SearchWord
from providers.search.postcode_lookup import Place, locate
from providers.search.postcodes import parse_partial_postcode

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
# A word used by at most this many services is looked up in the index; more
# common words ("care", "home") are checked only on the rows the rare ones find.
RARE_WORD_SERVICES = 500
# The next rarest word is looked up too when it is used by at most this many times as many services.
SECOND_WORD_RATIO = 10
COMMON = 10**9  # the count given to a prefix of no known word, which may match very many services
# Search keys a results page never shows (the word vector is the largest column of a service).
SEARCH_KEYS = ("search_words", "search_name", "search_town", "search_area")
# What a card in a list of results shows of a service (with its DSPT result; see ResultCardPaginator).
CARD_FIELDS = ("cqc_location_id", "name", "address_line_1", "address_line_2", "town", "county", "postcode",
               "category", "dormant")
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
    providers: list = field(default_factory=list)  # providers whose name was typed: "Care services run by ..."


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
                        providers=providers_named(query))


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


class SearchPaginator(Paginator):
    """Pages of ranked matches, each page and the total from one query on the care service table."""

    def get_page(self, number):
        """As Paginator.get_page, without counting the matches first: the page's own query counts them."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        try:
            return self.page(number)
        except EmptyPage:
            return self.page(self.num_pages)

    def page_of(self, number, *fields) -> tuple[list[dict], int]:
        """One page of matches as dicts of `fields` and any distance, in order, with the page number.

        Also sets the total (a window count in the same query): no rows on
        the first page means no matches; past it, the total needs its own count.
        """
        try:
            wanted = max(1, int(number))
        except (TypeError, ValueError):
            wanted = 1
        extra = [name for name in ("distance",) if name in self.object_list.query.annotations]
        bottom = (wanted - 1) * self.per_page
        found = list(self.object_list.annotate(matches=Window(Count("pk")))
                     .values(*fields, "matches", *extra)[bottom:bottom + self.per_page])
        self.__dict__["count"] = found[0]["matches"] if found else (0 if wanted == 1 else self.object_list.count())
        return found, self.validate_number(number)  # raises for a page past the end, now the count is known


class IdsFirstPaginator(SearchPaginator):
    """Pages of a search for the API: the page's IDs and the total in one query, then those rows in full.

    Ranking hundreds of matches is cheap on one table (about 1 ms for a big
    city); joining every match to its provider and DSPT record before
    sorting is not (about 12 ms). So one query returns the page's IDs, in
    order, with the number of matches and any distance; a second, plain
    query fetches those rows with every field and their DSPT record, as the
    API shows them all.
    """

    def page(self, number):
        found, number = self.page_of(number, "pk")
        rows = Location.objects.with_dspt_status().defer(*SEARCH_KEYS).in_bulk([row["pk"] for row in found])
        services = []
        for row in found:
            services.append(rows[row["pk"]])
            services[-1].distance = row.get("distance")
        return self._get_page(services, number, self)


@dataclass(frozen=True, slots=True)
class ResultCard:
    """One care service in a list of search results: only what the list shows."""

    cqc_location_id: str
    url: str
    name: str
    address: str
    kind: str  # the type of service, and how far away for a postcode search
    status: PlainStatus
    dormant: bool


class ResultCardPaginator(SearchPaginator):
    """Pages of a search for the search pages: ResultCards, made from one query.

    The fields a card shows and the row's DSPT result come from one subquery
    (LocationQuerySet.with_result_card) that PostgreSQL works out after
    sorting and cutting the page, so for twenty rows, not for every match.
    `url_name` is the page each card links to.
    """

    def __init__(self, object_list, per_page, *, today: dt.date, url_name: str = "service"):
        super().__init__(object_list.with_result_card(CARD_FIELDS), per_page)
        self.today, self.url_name = today, url_name

    def page(self, number):
        found, number = self.page_of(number, "card")
        return self._get_page([self.card(row["card"], row.get("distance")) for row in found], number, self)

    def card(self, row: dict, distance: float | None) -> ResultCard:
        # As the ORM makes a row it has read (half the cost of Location(**fields), for 20 cards a page).
        service = Location.from_db(None, CARD_FIELDS, [row[name] for name in CARD_FIELDS])
        return ResultCard(
            cqc_location_id=service.cqc_location_id, url=reverse(self.url_name, args=[service.cqc_location_id]),
            name=service.display_name,
            address=", ".join(service.address_lines),
            kind=service.get_category_display() + (f" · {distance_words(distance)} away" if distance is not None else ""),
            status=plain_status(status=row["dspt_status"], year_start=row["dspt_year"], today=self.today),
            dormant=service.dormant,
        )


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


# --- Words ------------------------------------------------------------------------------


@dataclass
class WordPlan:
    """What to search for.

    tsquery: every typed word or its corrections (the last may be a prefix);
    index_query: the rare ones among them, for the index to look up;
    in_name: the same, matched in the service's own name only;
    whole_words: the words exactly as typed, all whole; key: the same as
    text, to compare with the whole name; place_key: the words as corrected,
    to compare with town and local authority names.
    """

    tsquery: str
    index_query: str
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
    last_is_prefix = known.last_is_prefix
    corrections, counts = _corrections([w for w in words if w not in known.counts and len(w) >= MIN_CORRECTED_LENGTH
                                        and not (w == words[-1] and last_is_prefix)])
    counts.update(known.counts)
    slots, in_name, chosen, uses = [], [], [], []
    for position, word in enumerate(words):
        prefix = position == len(words) - 1 and last_is_prefix
        # A word we know stays; one we do not is replaced by its corrections, or kept as typed if it has none.
        options = [word] if word in known.counts or prefix else corrections.get(word) or [word]
        split = known.splits.get(word)
        slots.append(_slot(options, prefix=prefix, split=split))
        in_name.append(_slot(options, prefix=prefix, split=split, weight="A"))
        chosen.append(options[0])
        uses.append(_slot_uses(word, options, prefix=prefix, known=known, counts=counts))
    _join_pairs(words, known, slots, uses=uses)
    _join_pairs(words, known, in_name, weight="A")
    return WordPlan(tsquery=" & ".join(slots), index_query=" & ".join(_index_slots(slots, uses)),
                    in_name=" & ".join(in_name),
                    whole_words=" & ".join(words), key=" ".join(words), place_key=" ".join(chosen),
                    did_you_mean=" ".join(chosen) if chosen != words else "")


def _slot_uses(word: str, options: list[str], *, prefix: bool, known: KnownWords, counts: dict[str, int]) -> int:
    """About how many services one typed word's slot may match, to choose which slots the index looks up.

    A word's options: the services using them. A known word typed as a
    prefix ("road" in "station road"): that word's, and a few more. A word
    that is also two known words ("oaking": "oak ing"): its own and at most
    the rarer half's. A prefix of no known word: it may match very many.
    """
    if prefix and word not in known.counts:
        return COMMON
    return sum(counts.get(option, 0) for option in options) + known.split_uses.get(word, 0)


def _index_slots(slots: list[str], uses: list[int]) -> list[str]:
    """The slots the word index should look up: the rarest; the next rarest if not far commoner; any rare ones.

    Looking up "care" or "road" in the index means reading the entries of
    most of England's services; the rare words ("rose", "station") find the
    few candidates, and the common ones are checked on those few rows (see
    LocationQuerySet.matching). A second word narrows the candidates for
    less than it costs only while it is not much commoner than the first:
    "rose court" looks up both, "station road" only "station" (at 300,000
    services, reading "road" took 7 ms of an 18 ms query).
    """
    order = sorted(range(len(slots)), key=lambda position: uses[position])
    wanted = {order[0]}
    if len(order) > 1 and uses[order[1]] <= SECOND_WORD_RATIO * max(uses[order[0]], RARE_WORD_SERVICES):
        wanted.add(order[1])
    return [slot for position, slot in enumerate(slots) if position in wanted or uses[position] <= RARE_WORD_SERVICES]


def _slot(options: list[str], *, prefix: bool, split: tuple[str, str] | None, weight: str = "") -> str:
    """One typed word as tsquery: its options (or its split halves side by side), the last as a prefix.

    weight "A" matches the word only in a service's own name (see search_keys).
    """
    whole = ":" + weight if weight else ""
    label = ":*" + weight if prefix else whole
    terms = [option + label for option in options]
    if split:
        # Only the end of a word can be still being typed: "eastminster" is "east" then "minster..."
        # (as a prefix, "east" would also look up every word that starts with it).
        terms.append(f"({split[0]}{whole} <-> {split[1]}{label})")
    return terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")"


def _join_pairs(words: list[str], known: KnownWords, slots: list[str], *, weight: str = "",
                uses: list[int] | None = None) -> None:
    """'sunny side' also finds 'Sunnyside': two typed words that are one known word when joined.

    With `uses` (how many services each slot may match), a joined slot may
    match those of its rarer half plus those of the joined word.
    """
    for position in range(len(words) - 1):
        joined = words[position] + words[position + 1]
        if joined in known.counts and slots[position] and slots[position + 1]:
            slots[position] = f"(({slots[position]} & {slots[position + 1]}) | {joined}{':' + weight if weight else ''})"
            slots[position + 1] = ""
            if uses is not None:
                uses[position] = min(uses[position], uses[position + 1]) + known.counts[joined]
    if uses is not None:
        uses[:] = [use for slot, use in zip(slots, uses) if slot]
    slots[:] = [slot for slot in slots if slot]


@dataclass
class KnownWords:
    """What the word list says of the typed words."""

    counts: dict[str, int]  # typed words and joined pairs it holds -> how many services use each
    splits: dict[str, tuple[str, str]]  # a typed word that is two known words run together -> the two
    split_uses: dict[str, int]  # such a word -> how many services use the rarer of the two
    last_is_prefix: bool  # a longer known word starts with the last typed word (it may be still being typed)


def _known_words(words: list[str]) -> KnownWords:
    """Which typed words, joined pairs and two-word splits are in the word list, in one query.

    The last word is searched as a prefix only when a longer known word starts
    with it ("roa" or "sunny", not "road" when no word goes on from "road"):
    the word list holds every word of every service we search, so "road:*"
    would match what "road" does, at a third more cost ("manor road" at
    300,000 services: 25 ms, 18 ms without).
    """
    splits = {(word[:cut], word[cut:]): word for word in words if len(word) >= 6 for cut in range(3, len(word) - 2)}
    joins = [a + b for a, b in zip(words, words[1:])]
    candidates = set(words) | set(joins) | {half for pair in splits for half in pair}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word, services FROM {SearchWord._meta.db_table} WHERE word = ANY(%s) "
            f"UNION ALL (SELECT '', 0 FROM {SearchWord._meta.db_table} WHERE word LIKE %s AND word <> %s LIMIT 1)",
            [list(candidates), words[-1] + "%", words[-1]])
        rows = cursor.fetchall()
    found = {word: services for word, services in rows if word}
    known_splits: dict[str, tuple[str, str]] = {}
    for (first, second), word in splits.items():
        if first in found and second in found:
            known_splits.setdefault(word, (first, second))
    return KnownWords(counts={word: found[word] for word in set(words) | set(joins) if word in found},
                      splits=known_splits,
                      split_uses={word: min(found[half] for half in pair) for word, pair in known_splits.items()},
                      last_is_prefix=any(not word for word, _ in rows))


def _corrections(words: list[str]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """For each word, the known words one edit away, the most used first; and how many services use each."""
    if not words:
        return {}, {}
    edits = {word: _one_edit(word) for word in words}
    with connection.cursor() as cursor:  # one array parameter: quicker to send and plan than an IN list
        cursor.execute(f"SELECT word, services FROM {SearchWord._meta.db_table} WHERE word = ANY(%s)",
                       [list(set().union(*edits.values()))])
        found = dict(cursor.fetchall())
    return ({word: sorted((c for c in candidates if c in found), key=lambda c: (-found[c], c))[:CORRECTIONS_PER_WORD]
             for word, candidates in edits.items()}, found)


def _one_edit(word: str) -> set[str]:
    """Every string one letter swapped, dropped, added or changed from `word`."""
    splits = [(word[:cut], word[cut:]) for cut in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + letter + b[1:] for a, b in splits if b for letter in LETTERS}
    added = {a + letter + b for a, b in splits for letter in LETTERS}
    return (dropped | swapped | changed | added) - {word}

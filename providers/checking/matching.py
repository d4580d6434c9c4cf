"""Which registered care service a line of someone's list means: for the list check and for reconciliation.

    found = find_many([Described(name="Sunny Side", postcode="l8 1aa"), Described(location_id="1-545611283")])
    found[0].status    # "matched", "several" or "not_found"
    found[0].best      # a Candidate: the Location, its score (0-100) and what scored it

What a line says is tried in the order the site's search tries a typed query
(providers/search/finder.py), and in few queries for a whole list
(docs/adr/0027-checking-lists.md):

1. a CQC location ID: that service, registered or not (a provider ID: its
   registered services);
2. an ODS code: the registered services with it (else the provider's);
3. a name: services whose words match it (the search's own plan, typos
   corrected: providers/search/planning.py), and every service at the
   postcode the line gives, each scored by `score()`.

A name is matched when its best candidate scores MATCHED_FROM or more and
leads the next by CLEAR_LEAD (`points()`); otherwise the candidates scoring SEVERAL_FROM
or more are offered to choose from. Reconciliation (providers/reconcile/)
gives the same candidates and scores to OpenRefine.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F

from providers.register.models import Location, Provider
from providers.search.finder import CQC_ID, ODS_CODE
from providers.search.keys import search_keys
from providers.search.planning import plan_names
from providers.search.postcodes import district_of, normalise_postcode

MATCHED_FROM = 80  # a score this high, clearly ahead of the next, is the service
CLEAR_LEAD = 10
SEVERAL_FROM = 50  # candidates offered to choose from score at least this
CANDIDATES = 5  # offered at most, best first
NEARBY = 25  # for each name, the services looked at closely
NAMED_LIKE = 0.5  # a candidate named at least this alike (0-1), where the line says it is, ends the search
FETCHED = 12  # of those, kept for scoring
LINES_PER_QUERY = 100
# Words that say what kind of organisation it is, not which: a list's "Rose Court Ltd" is CQC's "Rose Court".
COMPANY_WORDS = frozenset({"ltd", "limited", "plc", "cic", "llp", "llc", "uk"})

# How each line was matched, in words for the answer.
HOW = {
    "location_id": "CQC location ID",
    "provider_id": "CQC provider ID (it runs one service)",
    "ods_code": "ODS code",
    "name_postcode": "Name and postcode",
    "name_town": "Name and town",
    "name": "Name only",
}


@dataclass(frozen=True)
class Described:
    """What one line of a list says about a care service. Any of it may be blank or wrong."""

    location_id: str = ""
    ods_code: str = ""
    name: str = ""
    postcode: str = ""
    town: str = ""


@dataclass
class Candidate:
    location: Location
    score: int  # 0-100
    name_score: float = 0.0  # how alike the names are, 0-1 (1: the same words)
    same_postcode: bool = False
    same_town: bool = False


@dataclass
class Found:
    status: str  # matched, several, not_found
    how: str = ""  # a key of HOW, for a match
    candidates: list[Candidate] = field(default_factory=list)  # the match, or those to choose from; best first
    considered: list[Candidate] = field(default_factory=list)  # every candidate scored, best first

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def location(self) -> Location | None:
        return self.best.location if self.status == "matched" else None


NOT_FOUND = Found("not_found")


def find_many(lines: list[Described]) -> list[Found]:
    """What each line matches, in the order given. A few queries in all, however many lines."""
    found: list[Found | None] = [None] * len(lines)
    _by_code(lines, found)
    _by_name(lines, found)
    return [result or NOT_FOUND for result in found]


# --- Codes ------------------------------------------------------------------------------


def _by_code(lines: list[Described], found: list) -> None:
    """Lines with a CQC ID or an ODS code we hold. A code we do not hold leaves the line to its name."""
    ids = {tidy_code(line.location_id) for line in lines} - {""}
    codes = {tidy_code(line.ods_code) for line in lines} - {""}
    by_id = {location.cqc_location_id: location
             for location in Location.objects.with_dspt_status().filter(cqc_location_id__in=ids)}
    by_provider_id = _registered_by(Location.objects.filter(provider__cqc_provider_id__in=ids - set(by_id)),
                                    "provider__cqc_provider_id")
    by_ods = _registered_by(Location.objects.filter(ods_code__in=codes), "ods_code")
    by_provider_ods = _registered_by(Location.objects.filter(provider__ods_code__in=codes - set(by_ods)),
                                     "provider__ods_code")
    for position, line in enumerate(lines):
        code, ods = tidy_code(line.location_id), tidy_code(line.ods_code)
        if code in by_id:
            found[position] = _one_or_several([by_id[code]], "location_id")
        elif code in by_provider_id:
            found[position] = _one_or_several(by_provider_id[code], "provider_id")
        elif ods in by_ods or ods in by_provider_ods:
            found[position] = _one_or_several(by_ods.get(ods) or by_provider_ods[ods], "ods_code")


def tidy_code(text: str) -> str:
    """A CQC ID or ODS code as we hold it ('1-545611283', 'VLLWV'), or '' if it cannot be one."""
    code = "".join(str(text or "").split()).upper()
    return code if CQC_ID.match(code) or ODS_CODE.match(code) else ""


def _registered_by(locations, key: str) -> dict[str, list[Location]]:
    grouped = defaultdict(list)
    for location in locations.registered().with_dspt_status().annotate(key=F(key)).order_by("name", "pk"):
        grouped[location.key].append(location)
    return grouped


def _one_or_several(locations: list[Location], how: str) -> Found:
    candidates = [Candidate(location, 100) for location in locations]
    if len(candidates) == 1:
        return Found("matched", how, candidates, candidates)
    return Found("several", how, candidates[:CANDIDATES], candidates)


# --- Names ------------------------------------------------------------------------------

# For each line: registered services at its postcode, and those whose words match its name; of those, the
# NEARBY most likely by cheap measures (the same postcode, the same town, the same name, a name as long), then
# the FETCHED most alike by name (as typed, and with typos corrected): the same words are 1; otherwise 0.9 times
# the greater of their trigram similarity and, when one name is almost wholly inside the other ("The Willows"
# and "The Willows Care Home"), how alike it is to that part (dspt_within, migration 0032).
_CANDIDATES_SQL = """
WITH line AS (SELECT * FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                                   %s::text[]) AS t(n, key, corrected, postcode, town, words, every_word))
SELECT line.n, c.id, c.alike, c.same_postcode, c.same_town
FROM line CROSS JOIN LATERAL (
    SELECT near.id, near.same_postcode, near.same_town,
           CASE WHEN near.search_name IN (line.key, line.corrected) THEN 1.0
                WHEN line.corrected = line.key
                THEN 0.9 * greatest(similarity(near.search_name, line.key), dspt_within(near.search_name, line.key))
                ELSE 0.9 * greatest(similarity(near.search_name, line.key), similarity(near.search_name, line.corrected),
                                    dspt_within(near.search_name, line.key), dspt_within(near.search_name, line.corrected))
           END AS alike
    FROM (SELECT l.id, l.search_name, l.postcode = line.postcode AS same_postcode,
                 (line.town <> '' AND (l.search_town = line.town OR l.search_area = line.town)) AS same_town
          FROM {locations} l
          WHERE l.deregistered_on IS NULL AND ((line.postcode <> '' AND l.postcode = line.postcode) OR {named})
          ORDER BY l.postcode = line.postcode DESC,
                   (line.town <> '' AND (l.search_town = line.town OR l.search_area = line.town)) DESC,
                   l.search_name IN (line.key, line.corrected) DESC,
                   abs(length(l.search_name) - length(line.key)), l.id
          LIMIT {nearby}) near
    ORDER BY near.same_postcode DESC, near.same_town DESC, alike DESC, near.id
    LIMIT {fetched}) c
"""


# How a service may be named like the line: the same name (an index lookup), or by its words (the rare
# words look up the index; every word is checked on the rows they found: "|| ''" keeps the index out of it).
SAME_NAME = "l.search_name IN (line.key, line.corrected)"
BY_WORDS = """(line.words <> '' AND l.search_words @@ to_tsquery('simple', line.words)
               AND (line.every_word = '' OR (l.search_words || ''::tsvector) @@ to_tsquery('simple', line.every_word)))"""


def _by_name(lines: list[Described], found: list) -> None:
    waiting = [position for position, line in enumerate(lines) if found[position] is None and line.name.strip()]
    if not waiting:
        return
    keys = search_keys([lines[position].name for position in waiting])
    # The words to search for leave out the company words; the whole name is what is compared.
    plans = plan_names([" ".join(w for w in key.split() if w not in COMPANY_WORDS) or key for key in keys])
    asked = _Asked(positions=waiting, keys=keys, corrected=[plan.place_key if plan else "" for plan in plans],
                   postcodes=[normalise_postcode(lines[p].postcode) or "" for p in waiting],
                   towns=search_keys([lines[position].town for position in waiting]))
    # The same name first (quick, and most lines once both are written the same way); then every word, then
    # for a name with a word no service has (it is longer, or spelt its own way) only its rare words, then any
    # one of its words that not too many services have: each pass for the lines the ones before left undecided.
    rows: dict[int, list[tuple]] = defaultdict(list)
    passes = ((SAME_NAME, lambda plan: "", lambda plan: ""), (BY_WORDS, lambda plan: plan.index_query,
               lambda plan: plan.tsquery), (BY_WORDS, lambda plan: plan.index_query, lambda plan: ""),
              (BY_WORDS, lambda plan: plan.any_rare_word, lambda plan: ""))
    for named, words_of, every_word_of in passes:
        left = [i for i, position in enumerate(waiting) if plans[i] and (named == SAME_NAME or words_of(plans[i]))
                and not _settled(rows[position], postcode=asked.postcodes[i], town=asked.towns[i])]
        if left:
            found_rows = _candidates(named, asked.only(left), [words_of(plans[i]) for i in left],
                                     [every_word_of(plans[i]) for i in left])
            for position, more in found_rows.items():
                seen = {row[1] for row in rows[position]}
                rows[position] += [row for row in more if row[1] not in seen]
    locations = Location.objects.with_dspt_status().in_bulk({row[1] for found_rows in rows.values() for row in found_rows})
    for i, position in enumerate(waiting):
        candidates = [Candidate(locations[pk], 0, float(alike), same_postcode, same_town)
                      for _, pk, alike, same_postcode, same_town in rows.get(position, [])]
        found[position] = decide(candidates, postcode=asked.postcodes[i], town=asked.towns[i])


@dataclass
class _Asked:
    """The lines to find by name, as the candidates query takes them: one list per column."""

    positions: list[int]
    keys: list[str]
    corrected: list[str]
    postcodes: list[str]
    towns: list[str]

    def only(self, indexes: list[int]) -> "_Asked":
        return _Asked(*([getattr(self, name)[i] for i in indexes]
                        for name in ("positions", "keys", "corrected", "postcodes", "towns")))


def _settled(rows: list[tuple], *, postcode: str, town: str) -> bool:
    """Whether a line's candidates so far end its search: one named like it, where it says it is (if it says)."""
    return any(alike >= NAMED_LIKE and (same_postcode or same_town or not (postcode or town))
               for _, _, alike, same_postcode, same_town in rows)


def _candidates(named: str, asked: _Asked, words: list[str], every_word: list[str]) -> dict[int, list[tuple]]:
    """{line position: [(position, location id, alike, same postcode, same town)]}, a query for each
    LINES_PER_QUERY lines (each query stays well within the statement timeout).

    named: SAME_NAME or BY_WORDS. words: a tsquery for each line, for the index to look up; every_word: one
    the rows found must also match ('' for none).
    """
    sql = _CANDIDATES_SQL.format(locations=Location._meta.db_table, nearby=NEARBY, fetched=FETCHED, named=named)
    rows = []
    with connection.cursor() as cursor:
        for start in range(0, len(asked.positions), LINES_PER_QUERY):
            part = slice(start, start + LINES_PER_QUERY)
            cursor.execute(sql, [asked.positions[part], asked.keys[part], asked.corrected[part],
                                 asked.postcodes[part], asked.towns[part], words[part], every_word[part]])
            rows += cursor.fetchall()
    grouped = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


# --- Scores -----------------------------------------------------------------------------


def points(candidate: Candidate, *, postcode: str, town: str) -> float:
    """How sure we are that a candidate is the line's service: 100 or more is sure.

    The names, alike from 0 to 1 (the same words: 1; "Sunny Side" in "Sunny
    Side Care Home": 0.9), make up to 100; the same postcode adds 25 and the
    same town or council 10. A different full postcode takes 10 away (5 in
    the same district: a list may give the office's address).
    """
    total = 100 * candidate.name_score
    if postcode:
        if candidate.same_postcode:
            total += 25
        else:
            theirs = candidate.location.postcode
            total -= 5 if theirs and district_of(theirs) == district_of(postcode) else 10
    if candidate.same_town:
        total += 10
    return total


def decide(candidates: list[Candidate], *, postcode: str = "", town: str = "") -> Found:
    """Scored and sorted: the service if one clearly leads, else the ones to choose from."""
    sure = {id(c): points(c, postcode=postcode, town=town) for c in candidates}
    for candidate in candidates:
        candidate.score = max(0, min(100, round(sure[id(candidate)])))
    candidates.sort(key=lambda c: (-sure[id(c)], c.location.name, c.location.pk))
    if not candidates:
        return NOT_FOUND
    best = candidates[0]
    second = sure[id(candidates[1])] if len(candidates) > 1 else 0
    if sure[id(best)] >= MATCHED_FROM and sure[id(best)] - second >= CLEAR_LEAD:
        how = "name_postcode" if best.same_postcode else "name_town" if best.same_town else "name"
        return Found("matched", how, candidates[:CANDIDATES], candidates)
    close = [c for c in candidates if c.score >= SEVERAL_FROM][:CANDIDATES]
    return Found("several" if close else "not_found", "", close, candidates)

"""Search planning: typed words into a full-text search, correcting the words we do not know.

    plan = plan_words("sunyside care")   # WordPlan: what LocationQuerySet.matching() searches for

Each word not in the list of words we hold (SearchWord) is corrected to the
known words one edit away (a letter swapped, dropped, added or changed); a
word run together ("sunnyside") or split ("sunny side") is tried both ways,
and the rare words are the ones the index looks up
(docs/adr/0013-search-ranking-and-typos.md, docs/adr/0016-search-speed.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from providers.search.keys import search_key, search_keys
from providers.search.models import SearchWord

# A search uses at most this many words. Real names are shorter; a long string of words only makes a slow query.
MAX_SEARCH_WORDS = 8
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
    any_rare_word: str = ""  # any one of the words some services (but not very many) have: a last try for a name


def plan_words(query: str) -> WordPlan | None:
    """Turn typed words into a search, correcting the ones we do not know. None if nothing is left to search."""
    words = search_key(query).split()[:MAX_SEARCH_WORDS]
    if not words:
        return None
    known = _known_words(words)
    corrections, counts = _corrections(_to_correct(words, known))
    return _plan(words, known, corrections, counts)


def plan_names(names: list[str]) -> list[WordPlan | None]:
    """Plans for many whole names at once (a council's list: none is still being typed), in two queries in all:
    every name's words looked up together, then every unknown word's corrections together."""
    word_lists = [key.split()[:MAX_SEARCH_WORDS] for key in search_keys(names)]
    found = _counts(set().union(*map(_lookup_words, word_lists)) if word_lists else set())
    knowns = [_known(words, found, last_is_prefix=False) for words in word_lists]
    corrections, counts = _corrections(sorted({word for words, known in zip(word_lists, knowns)
                                                for word in _to_correct(words, known)}))
    return [_plan(words, known, corrections, counts) if words else None for words, known in zip(word_lists, knowns)]


def _to_correct(words: list[str], known: KnownWords) -> list[str]:
    """The words to look for corrections of: unknown, long enough, and not the last one if it is still being typed."""
    return [w for w in words if w not in known.counts and len(w) >= MIN_CORRECTED_LENGTH
            and not (w == words[-1] and known.last_is_prefix)]


def _plan(words: list[str], known: KnownWords, corrections: dict[str, list[str]], counts: dict[str, int]) -> WordPlan:
    counts = {**counts, **known.counts}
    last_is_prefix = known.last_is_prefix
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
                    did_you_mean=" ".join(chosen) if chosen != words else "",
                    any_rare_word=" | ".join(slot for slot, use in zip(slots, uses)
                                             if 0 < use <= RARE_WORD_SERVICES))


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
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word, services FROM {SearchWord._meta.db_table} WHERE word = ANY(%s) "
            f"UNION ALL (SELECT '', 0 FROM {SearchWord._meta.db_table} WHERE word LIKE %s AND word <> %s LIMIT 1)",
            [list(_lookup_words(words)), words[-1] + "%", words[-1]])
        rows = cursor.fetchall()
    return _known(words, {word: services for word, services in rows if word},
                  last_is_prefix=any(not word for word, _ in rows))


def _lookup_words(words: list[str]) -> set[str]:
    """The words, their joined pairs, and the halves of every two-word split of a long word: what to look up."""
    joins = {a + b for a, b in zip(words, words[1:])}
    halves = {half for pair in _splits(words) for half in pair}
    return set(words) | joins | halves


def _splits(words: list[str]) -> dict[tuple[str, str], str]:
    return {(word[:cut], word[cut:]): word for word in words if len(word) >= 6 for cut in range(3, len(word) - 2)}


def _counts(words: set[str]) -> dict[str, int]:
    """{word: how many services use it} for those of `words` in the word list, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word, services FROM {SearchWord._meta.db_table} WHERE word = ANY(%s)", [list(words)])
        return dict(cursor.fetchall())


def _known(words: list[str], found: dict[str, int], *, last_is_prefix: bool) -> KnownWords:
    """What the word list (`found`: word -> services) says of these words."""
    joins = [a + b for a, b in zip(words, words[1:])]
    known_splits: dict[str, tuple[str, str]] = {}
    for (first, second), word in _splits(words).items():
        if first in found and second in found:
            known_splits.setdefault(word, (first, second))
    return KnownWords(counts={word: found[word] for word in set(words) | set(joins) if word in found},
                      splits=known_splits,
                      split_uses={word: min(found[half] for half in pair) for word, pair in known_splits.items()},
                      last_is_prefix=last_is_prefix)


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

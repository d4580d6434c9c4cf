"""Search keys: SQL functions (made in migrations 0003 and 0008, last rewritten in 0026) wrapped for Django.

Kept apart from the models and the QuerySets so that both can use them
without importing each other, and so migrations can name them.

- dspt_search_text(a, b, ...): lower case, no accents, no apostrophes, "&"
  as "and", "St" as "saint", no punctuation. Stored keys and typed queries
  both use it.
- dspt_search_weighted(name, brand, town, area, street, street2, provider):
  the words of a care service for full-text search, weighted A (name),
  B (place), C (street) and D (provider and brand, without CQC's "BRAND ").
- dspt_name_key(name): an organisation's name for matching a CQC provider to
  a DSPT organisation: the search text without a bracketed code ("(A560)"),
  company words (Ltd, Limited, Plc, CIC) or a trailing "HQ".

The stored keys (Location.search_*, Provider and DsptOrganisation.name_key)
are filled by triggers when the words they are made of change (ADR 0023).
"""

import re

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models

# dspt_search_text's steps after unaccent, for text that is plain ASCII (which unaccent leaves alone).
_QUOTES = re.compile(r"['`]")
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
_SAINT = re.compile(r"\b(st|saint|ste)\b")


def search_key(text: str) -> str:
    """The normalised search key of what someone typed, exactly as dspt_search_text makes the stored keys.

    Plain ASCII (almost everything typed) is normalised here, step for step
    as the SQL function does it, which saves a round trip on every search;
    anything else ("Café", "St Mary’s") asks the SQL function itself, so
    accents and curly quotes are treated by the one unaccent dictionary.
    tests/search/test_search_keys.py checks both agree on every real name we hold.
    """
    text = text.replace("\x00", "")  # PostgreSQL text cannot hold it
    if text.isascii():
        key = _NOT_LETTERS.sub(" ", _QUOTES.sub("", text.lower()).replace("&", " and "))
        return " ".join(_SAINT.sub("saint", key).split())
    with connection.cursor() as cursor:
        cursor.execute("SELECT dspt_search_text(%s)", [text])
        return cursor.fetchone()[0] or ""


def search_keys(texts: list[str]) -> list[str]:
    """search_key() of many texts: the plain ASCII ones here, all the others in one query."""
    keys = [search_key(text) if text.isascii() else None for text in texts]
    others = [text.replace("\x00", "") for text, key in zip(texts, keys) if key is None]
    if others:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(dspt_search_text(t), '') FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) "
                           "ORDER BY n", [others])
            asked = iter(row[0] for row in cursor.fetchall())
        keys = [next(asked) if key is None else key for key in keys]
    return keys


class SearchText(models.Func):
    """dspt_search_text(a, b, ...): the normalised search key of some text."""

    function = "dspt_search_text"
    output_field = models.TextField()


class SearchCompact(models.Func):
    """The search key with its spaces removed: 'sunny side' -> 'sunnyside'.

    No longer stored (search now splits and joins words itself); kept because
    migration 0004 names it.
    """

    function = "dspt_search_compact"
    output_field = models.TextField()


class SearchVectorOf(models.Func):
    """to_tsvector('simple', dspt_search_text(...)), for full-text matching."""

    function = "dspt_search_vector"
    output_field = models.TextField()


class SearchWeighted(models.Func):
    """dspt_search_weighted(name, brand, town, area, street, street2, provider): a service's weighted words."""

    function = "dspt_search_weighted"
    output_field = SearchVectorField()


class NameKey(models.Func):
    """dspt_name_key(name): 'Home From Home Care Ltd (A560)' -> 'home from home care'."""

    function = "dspt_name_key"
    output_field = models.TextField()

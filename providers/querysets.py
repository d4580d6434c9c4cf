"""Read queries for care services, as chainable QuerySet methods.

    Location.objects.registered().search("sunnyside").with_dspt_status()
    Location.objects.registered().near(53.39, -2.95).of_category("care_home")

Name search uses two PostgreSQL features (see docs/adr/0005-search.md):
- trigram word similarity (pg_trgm), so typos and missing spaces still match
  ("sunyside" and "sunnyside" find "Sunny Side Care Home");
- full-text search, so every word of "rose cottage norwich" can match across
  the name and the town.
Both work on keys that the SQL function dspt_search_text() makes: lower case,
no accents, "&" as "and", "St" and "St." as "saint", no punctuation.
"""

import datetime as dt
import math

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection, models
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ACos, Cos, Least, Radians, Sin

from providers import dspt_status

EARTH_RADIUS_MILES = 3958.8
# If whole-word matching finds at least this many services, skip the slower
# typo-tolerant matching.
ENOUGH_WORD_MATCHES = 20


def search_key(text: str) -> str:
    """The normalised search key of what someone typed, made by the same SQL
    function as the stored keys, so both sides always agree."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT dspt_search_text(%s)", [text.replace("\x00", "")])
        return cursor.fetchone()[0] or ""


class SearchText(models.Func):
    """dspt_search_text(a, b, ...): the normalised search key of some text."""

    function = "dspt_search_text"
    output_field = models.TextField()


class SearchCompact(models.Func):
    """The search key with its spaces removed: 'sunny side' -> 'sunnyside'."""

    function = "dspt_search_compact"
    output_field = models.TextField()


class SearchVectorOf(models.Func):
    """to_tsvector('simple', dspt_search_text(...)), for full-text matching."""

    function = "dspt_search_vector"
    output_field = models.TextField()


class LocationQuerySet(models.QuerySet):
    def registered(self):
        """Services CQC still lists (deregistered ones keep their pages)."""
        return self.filter(deregistered_on__isnull=True)

    def registered_first(self):
        """Registered services first, then those that have left CQC's list; by name."""
        return self.order_by(F("deregistered_on").asc(nulls_first=True), "name", "pk")

    def in_area(self, local_authority: str):
        return self.filter(local_authority__iexact=local_authority)

    def of_category(self, category: str | None):
        """care_home, home_care or other; anything else means all."""
        if category in {"care_home", "home_care", "other"}:
            return self.filter(category=category)
        return self

    def with_dspt_status(self):
        """Fetch each service's matched DSPT organisation and its current status in one query."""
        return self.select_related("provider", "dspt_organisation", "dspt_organisation__current_assessment")

    def with_plain_status(self, code: str | None, today: dt.date):
        """Only services whose plain-English status (see dspt_status) is `code` on `today`."""
        if code not in dspt_status.BY_CODE:
            return self
        rule = dspt_status.status_filter(code, today)
        prefix = "dspt_organisation__current_assessment__"
        if rule.no_record:
            return self.filter(Q(dspt_organisation__isnull=True) | Q(**{f"{prefix}isnull": True}))
        condition = Q(**{f"{prefix}status__in": rule.statuses})
        if rule.min_year is not None:
            condition &= Q(**{f"{prefix}year_start__gte": rule.min_year})
        if rule.before_year is not None:
            condition &= Q(**{f"{prefix}year_start__lt": rule.before_year}) | Q(**{f"{prefix}year_start__isnull": True})
        return self.filter(condition)

    def search(self, text: str):
        """Services whose name, provider or place matches `text`, best match first.

        Whole words (and the start of the last word, for searching as you
        type) are matched with the full-text index, which is fast even for
        common words like "care home". Only when that finds few services do
        we add trigram matching, which forgives typos and missing spaces but
        costs more on common words.
        """
        key = search_key(text)
        if not key:
            return self.none()
        words = SearchQuery(" & ".join(f"{word}:*" for word in key.split()), search_type="raw", config="simple")
        by_words = Q(search_vector=words)
        condition = by_words
        # Whether to forgive typos depends on the words alone, not on filters:
        # "oak lodge" among care homes that meet the standard is not a typo.
        word_matches = self.model._default_manager.filter(by_words)[:ENOUGH_WORD_MATCHES].count()
        if word_matches < ENOUGH_WORD_MATCHES:
            from providers.models import Provider

            # Providers first, as a short list of IDs: keeps the main query on one
            # table, so PostgreSQL can combine its indexes (a BitmapOr).
            provider_ids = list(
                Provider.objects.filter(search_name__trigram_word_similar=key).values_list("pk", flat=True)[:500]
            )
            condition = (
                by_words
                | Q(search_all__trigram_word_similar=key)
                | Q(search_compact__trigram_word_similar=key.replace(" ", ""))
                | Q(provider_id__in=provider_ids)
            )
        return (
            self.filter(condition)
            .annotate(
                name_score=TrigramWordSimilarity(key, "search_name"),
                word_score=SearchRank(F("search_vector"), words),
            )
            .annotate(relevance=F("name_score") + F("word_score"))
            .order_by("-relevance", "name", "pk")
        )

    def near(self, latitude: float, longitude: float, *, miles: float = 50):
        """Services with coordinates within `miles`, nearest first, with `distance` in miles."""
        # A box first (uses the coordinates index), then the exact distance.
        lat_span = miles / 69.0
        lon_span = miles / (69.0 * max(0.1, math.cos(math.radians(latitude))))
        distance = EARTH_RADIUS_MILES * ACos(
            Least(
                Value(1.0),
                Cos(Radians(Value(latitude))) * Cos(Radians(F("latitude")))
                * Cos(Radians(F("longitude")) - Radians(Value(longitude)))
                + Sin(Radians(Value(latitude))) * Sin(Radians(F("latitude"))),
                output_field=FloatField(),
            )
        )
        return (
            self.filter(
                latitude__range=(latitude - lat_span, latitude + lat_span),
                longitude__range=(longitude - lon_span, longitude + lon_span),
            )
            .annotate(distance=distance)
            .filter(distance__lte=miles)
            .order_by("distance", "name", "pk")
        )

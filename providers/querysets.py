"""Read queries for care services, as chainable QuerySet methods.

    Location.objects.registered().search("sunnyside").with_dspt_status()
    Location.objects.registered().near(53.39, -2.95).of_category("care_home")

Name search uses two PostgreSQL features (see docs/adr/0005-search.md):
- trigram word similarity (pg_trgm), so typos and missing spaces still match
  ("sunyside" and "sunnyside" find "Sunny Side Care Home");
- full-text search, so every word of "rose cottage norwich" can match across
  the name and the town.
Both work on keys that the SQL function dspt_search_text() makes: lower case,
no accents, "&" as "and", "St" and "St." as "saint", no punctuation (see
providers/search_keys.py). This module imports no models: it reaches related
models through self.model, so models.py can import it freely.
"""

import datetime as dt
import math

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import models
from django.db.models import Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import ACos, Cos, Least, Radians, Sin

from providers import dspt_status
from providers.search_keys import search_key

EARTH_RADIUS_MILES = 3958.8
# If whole-word matching finds at least this many services, skip the slower
# typo-tolerant matching.
ENOUGH_WORD_MATCHES = 20


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
        """One of Location.Category's values; anything else means all."""
        if category in self.model.Category.values:
            return self.filter(category=category)
        return self

    def with_dspt_status(self):
        """Fetch each service's matched DSPT organisation and its current status in one query."""
        return self.select_related("provider", "dspt_organisation", "dspt_organisation__current_assessment")

    def with_plain_status(self, code: str | None, today: dt.date):
        """Only services whose plain-English result (see dspt_status) is `code` on `today`."""
        if code not in dspt_status.BY_CODE:
            return self
        return self.filter(_condition(dspt_status.status_filter(code, today)))

    def with_current_check(self, today: dt.date):
        """Only services whose DSPT record counts on `today`, whatever its result."""
        return self.filter(_condition(dspt_status.current_check_filter(today)))

    def status_counts(self, today: dt.date) -> dict[str, int]:
        """{result code: how many services} on `today`, in one query (no rows fetched)."""
        return self.aggregate(**{
            status.code: Count("pk", filter=_condition(dspt_status.status_filter(status.code, today)))
            for status in dspt_status.ALL_STATUSES
        })

    def with_status_rank(self, today: dt.date):
        """Annotate `status_rank`: the result's place in dspt_status.ALL_STATUSES, for sorting in SQL."""
        return self.annotate(status_rank=Case(
            *(When(_condition(dspt_status.status_filter(status.code, today)), then=Value(rank))
              for rank, status in enumerate(dspt_status.ALL_STATUSES)),
            default=Value(len(dspt_status.ALL_STATUSES)),
        ))

    def with_category_rank(self):
        """Annotate `category_rank`: the type of service's place when sorted by its label."""
        labels = sorted(self.model.Category.choices, key=lambda choice: choice[1])
        return self.annotate(category_rank=Case(
            *(When(category=value, then=Value(rank)) for rank, (value, _) in enumerate(labels)),
            default=Value(len(labels)),
        ))

    def _providers(self):
        """The Provider model's objects, reached through the foreign key (no import of models)."""
        return self.model._meta.get_field("provider").related_model._default_manager.all()

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
            # Providers first, as a short list of IDs: keeps the main query on one
            # table, so PostgreSQL can combine its indexes (a BitmapOr).
            provider_ids = list(
                self._providers().filter(search_name__trigram_word_similar=key).values_list("pk", flat=True)[:500]
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
            # Services CQC says are not providing care at the moment come after the rest.
            .order_by("dormant", "-relevance", "name", "pk")
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
            .order_by("dormant", "distance", "name", "pk")
        )


def _condition(rule: dspt_status.StatusFilter) -> Q:
    """A StatusFilter as a condition on a Location's current DSPT assessment."""
    prefix = "dspt_organisation__current_assessment__"
    if rule.no_record:
        return Q(dspt_organisation__isnull=True) | Q(**{f"{prefix}isnull": True})
    condition = Q(**{f"{prefix}status__in": rule.statuses})
    if rule.min_year is not None:
        condition &= Q(**{f"{prefix}year_start__gte": rule.min_year})
    if rule.before_year is not None:
        condition &= Q(**{f"{prefix}year_start__lt": rule.before_year}) | Q(**{f"{prefix}year_start__isnull": True})
    return condition

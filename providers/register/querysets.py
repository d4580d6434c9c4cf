"""Read queries for care services, as chainable QuerySet methods.

    Location.objects.registered().matching(plan).with_dspt_status()   # plan: providers.search.planning.plan_words()
    Location.objects.registered().near(53.39, -2.95).of_category("care_home")

Word search is full-text search on one weighted tsvector per service (name,
place, street, provider; see providers/search/keys.py and
docs/adr/0013-search-ranking-and-typos.md); typos are corrected before the
query, in providers/search/planning.py. This module imports no models: it reaches
related models through self.model, so models.py can import it freely.
"""

import datetime as dt
import math

from django.db import models
from django.db.models import BooleanField, Case, Count, F, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils.text import slugify

from providers.results import dspt_status

# ts_rank weights for D (provider, brand), C (street), B (place), A (name): see search_keys.
BY_PART = [0.05, 0.1, 0.3, 1.0]


class LocationQuerySet(models.QuerySet):
    def registered(self):
        """Services CQC still lists (deregistered ones keep their pages)."""
        return self.filter(deregistered_on__isnull=True)

    def registered_first(self):
        """Registered services first, then those that have left CQC's list; by name."""
        return self.order_by(F("deregistered_on").asc(nulls_first=True), "name", "pk")

    def in_area(self, local_authority: str):
        return self.filter(local_authority__iexact=local_authority)

    def area_names(self) -> dict[str, str]:
        """{slug: local authority name} for every area these services are in (the slug is in area addresses)."""
        # order_by(): without it the model's ordering joins the DISTINCT, which then returns every row.
        names = self.exclude(local_authority="").order_by().values_list("local_authority", flat=True).distinct()
        return {slugify(name): name for name in names}

    def of_category(self, category: str | None):
        """One of Location.Category's values; anything else means all."""
        if category in self.model.Category.values:
            return self.filter(category=category)
        return self

    def with_dspt_status(self):
        """Fetch each service's matched DSPT organisation and its current status in one query."""
        return self.select_related("provider", "dspt_organisation", "dspt_organisation__current_assessment")

    def with_result_card(self, fields: tuple[str, ...]):
        """Annotate `card`: a dict of these fields of each service, and its current DSPT result's
        `dspt_status` and `dspt_year` (None when it has none).

        One scalar subquery rather than columns and joins: when the rows are
        sorted and cut to a page, PostgreSQL works it out for that page's rows
        only, and the sort carries narrow rows. At 300,000 services that took
        a big town's page from about 15 ms to 8 (reading the later columns of
        every matching row was most of it).
        """
        table = self.model._meta.db_table
        organisation = self.model._meta.get_field("dspt_organisation").related_model
        assessment = organisation._meta.get_field("current_assessment").related_model
        pairs = ", ".join(f"'{name}', c.{name}" for name in fields)
        card = (f"(SELECT jsonb_build_object({pairs}, 'dspt_status', a.status, 'dspt_year', a.year_start) "
                f'FROM "{table}" c LEFT JOIN "{organisation._meta.db_table}" o ON o.id = c.dspt_organisation_id '
                f'LEFT JOIN "{assessment._meta.db_table}" a ON a.id = o.current_assessment_id '
                f'WHERE c.id = "{table}"."id")')
        return self.annotate(card=_sql(card, output_field=models.JSONField()))

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

    def current_by_category(self, today: dt.date) -> dict[str, tuple[int, int]]:
        """{type of service: (how many services, how many with a current check)} on `today`, in one query."""
        rows = self.order_by().values("category").annotate(
            total=Count("pk"), current=Count("pk", filter=_condition(dspt_status.current_check_filter(today))))
        return {row["category"]: (row["total"], row["current"]) for row in rows}

    def current_by_area(self, today: dt.date):
        """Each local authority with its region, how many services, and how many with a current check."""
        return (self.exclude(local_authority="").order_by("local_authority").values("region", "local_authority")
                .annotate(services=Count("pk"),
                          current=Count("pk", filter=_condition(dspt_status.current_check_filter(today)))))

    def with_result_for_year(self, year_start: int):
        """Only services whose DSPT record has a published result (not 'Not Published') for this DSPT year."""
        return self.filter(dspt_organisation__assessments__year_start=year_start,
                           dspt_organisation__assessments__status__in=dspt_status.CURRENT_STATUSES).distinct()

    def results_by_year(self) -> dict[int, int]:
        """{DSPT year: how many of these services' records published a result for it}, from every result we kept."""
        rows = (self.order_by().filter(dspt_organisation__assessments__status__in=dspt_status.CURRENT_STATUSES)
                .values("dspt_organisation__assessments__year_start")
                .annotate(services=Count("pk", distinct=True)))
        return {row["dspt_organisation__assessments__year_start"]: row["services"] for row in rows
                if row["dspt_organisation__assessments__year_start"] is not None}

    def publications(self):
        """Which DSPT records cover these services and how each was found, most services first.

        Rows of {organisation name, its ODS code, the match (Location.DsptMatch), services}, in one query.
        """
        return (self.order_by().values("dspt_organisation__name", "dspt_organisation__ods_code", "dspt_match")
                .annotate(services=Count("pk")).order_by("-services", "dspt_organisation__name", "dspt_match"))

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

    def matching(self, plan):
        """Services whose words match a search plan (providers.search.WordPlan), best first.

        One full-text condition on one index (name, place, street and provider
        words together). Ranked, after services CQC says are not providing
        care: the service whose whole name was typed; services in the place the
        query names; those matching every word as typed and whole (so "Lincoln"
        is not beaten by "Lincolnshire"); those with every word in their own
        name (so a service's own name beats its provider's); then by rank.

        Written as SQL fragments: built from Django's search expressions the
        same query took about 2 ms to assemble and compile on every search,
        longer than PostgreSQL takes to run it (docs/adr/0016-search-speed.md).
        """
        table = self.model._meta.db_table
        words = f'"{table}"."search_words"'  # qualified: the DSPT filters join tables that have columns of the same names
        query = "to_tsquery('simple', %s)"
        found = self.filter(_sql(f"{words} @@ {query}", plan.index_query))
        if plan.index_query != plan.tsquery:
            # Every word, checked on the rows the rare words found ("|| ''" keeps the index out of it).
            found = found.filter(_sql(f"({words} || ''::tsvector) @@ {query}", plan.tsquery))
        # Every match has the words as typed and whole when that is all the query asks: no need to sort by it.
        as_typed = [] if plan.whole_words == plan.tsquery else [_sql(f"{words} @@ {query}", plan.whole_words).desc()]
        return found.order_by(
            "dormant",
            _sql(f'"{table}"."search_name" = %s', plan.key).desc(),
            _sql(f'("{table}"."search_town" = %s OR "{table}"."search_area" = %s)', plan.place_key,
                 plan.place_key).desc(),
            *as_typed,
            _sql(f"{words} @@ {query}", plan.in_name).desc(),
            _sql(f"ts_rank(%s::real[], {words}, {query})", BY_PART, plan.tsquery, output_field=FloatField()).desc(),
            Length("name"), "name", "pk",
        )

    def near(self, latitude: float, longitude: float, *, miles: float = 50):
        """Services with coordinates within `miles`, nearest first, with `distance` in miles."""
        # A box first (uses the coordinates index), then the exact distance (dspt_miles, migration 0016).
        lat_span = miles / 69.0
        lon_span = miles / (69.0 * max(0.1, math.cos(math.radians(latitude))))
        table = self.model._meta.db_table
        distance = _sql(f'dspt_miles(%s, %s, "{table}"."latitude", "{table}"."longitude")', latitude, longitude,
                        output_field=FloatField())
        return (
            self.filter(
                latitude__range=(latitude - lat_span, latitude + lat_span),
                longitude__range=(longitude - lon_span, longitude + lon_span),
            )
            .annotate(distance=distance)
            .filter(distance__lte=miles)
            .order_by("dormant", "distance", "name", "pk")
        )


def _sql(sql: str, *params, output_field=None) -> RawSQL:
    """A condition (or with `output_field`, a value) written in SQL, with its parameters."""
    return RawSQL(sql, params, output_field=output_field or BooleanField())


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

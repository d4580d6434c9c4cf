"""Pages of search results: each page and the total from one query, never an OFFSET past the end.

- ResultCardPaginator: the search pages' cards (only what a card shows, with its DSPT result);
- IdsFirstPaginator: the API's pages (the page's IDs first, then those rows in full).
Both count the matches in the page's own query, and answer a page past the end with the last page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import Count, GeneratedField, Window
from django.urls import reverse

from providers.register.models import Location
from providers.results.dspt_status import PlainStatus, plain_status
from providers.results.presenter import distance_words

PAGE_SIZE = 20
# No list of results has more pages than this (the API's bound on `page` too): 100,000 pages of 20 is seven
# times every registered care service in England.
MAX_PAGE = 100_000
# Search keys a results page never shows (the word vector is the largest column of a service).
SEARCH_KEYS = ("search_words", "search_name", "search_town", "search_area")
# What a card in a list of results shows of a service (with its DSPT result; see ResultCardPaginator).
CARD_FIELDS = ("cqc_location_id", "name", "address_line_1", "address_line_2", "town", "county", "postcode",
               "category", "dormant")


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
        ranked = self.ranked(number, *fields)
        found = list(ranked) if ranked is not None else []
        return found, self.counted(found[0]["matches"] if found else None, number)

    def ranked(self, number, *fields):
        """The page's query (values of `fields`, the number of matches and any distance), or None for a page
        number past any list: never an OFFSET PostgreSQL may not be able to hold (past 2^63 it fails)."""
        wanted = _wanted(number)
        if wanted > MAX_PAGE:
            return None
        extra = [name for name in ("distance",) if name in self.object_list.query.annotations]
        bottom = (wanted - 1) * self.per_page
        return (self.object_list.annotate(matches=Window(Count("pk")))
                .values(*fields, "matches", *extra)[bottom:bottom + self.per_page])

    def counted(self, total: int | None, number) -> int:
        """Sets the total, from the page's own rows (None when it has none: then no matches on the first page,
        or past the end a count); returns the page number, or raises for a page past the end."""
        self.__dict__["count"] = total if total is not None else (0 if _wanted(number) == 1 else self.object_list.count())
        return self.validate_number(number)


class IdsFirstPaginator(SearchPaginator):
    """Pages of a search for the API: ranked on the care service table alone, then that page's rows in full.

    Ranking hundreds of matches is cheap on one table (about 1 ms for a big
    city); joining every match to its provider and DSPT record before
    sorting is not (about 12 ms). So the ranking query picks the page's IDs,
    in order, with the number of matches and any distance, and the same
    statement joins just those rows to their provider, DSPT organisation and
    result (full_rows): one round trip, and no second query for the ORM to
    build (that, and django-ninja's checking of Django objects, made the API
    slower than the search page showing the same results).
    """

    def page(self, number):
        ranked = self.ranked(number, "pk")
        services = full_rows(ranked) if ranked is not None else []
        number = self.counted(services[0].matches if services else None, number)
        return self._get_page(services, number, self)


def _wanted(number) -> int:
    try:
        return max(1, int(number))
    except (TypeError, ValueError):
        return 1


def _columns(model) -> list:
    return [f for f in model._meta.concrete_fields
            if not isinstance(f, GeneratedField) and f.name not in SEARCH_KEYS]


def full_rows(ranked) -> list[Location]:
    """The ranked page's services, in order, with provider, DSPT organisation and result (as select_related
    leaves them), each with `matches` (the total) and `distance` (or None)."""
    from providers.register.models import DsptAssessment, DsptOrganisation, Provider

    parts = [(Location, "l"), (Provider, "p"), (DsptOrganisation, "o"), (DsptAssessment, "a")]
    columns = {model: _columns(model) for model, _ in parts}
    select = ", ".join(f'{alias}."{f.column}"' for model, alias in parts for f in columns[model])
    distance = "r.distance" if "distance" in ranked.query.values_select + tuple(ranked.query.annotation_select) \
        else "NULL"
    try:
        sql, params = ranked.query.sql_with_params()
    except EmptyResultSet:  # the search could match nothing (QuerySet.none(), filtered): nothing to ask for
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT r.matches, {distance}, {select}
            FROM (SELECT ranked.*, row_number() OVER () AS position FROM ({sql}) ranked) r
            JOIN {Location._meta.db_table} l ON l.id = r.pk
            JOIN {Provider._meta.db_table} p ON p.id = l.provider_id
            LEFT JOIN {DsptOrganisation._meta.db_table} o ON o.id = l.dspt_organisation_id
            LEFT JOIN {DsptAssessment._meta.db_table} a ON a.id = o.current_assessment_id
            ORDER BY r.position""", params)
        rows = cursor.fetchall()
    services = []
    for row in rows:
        made, start = {}, 2
        for model, _ in parts:
            fields = columns[model]
            values = row[start:start + len(fields)]
            start += len(fields)
            made[model] = model.from_db("default", [f.attname for f in fields], values) if values[0] is not None \
                else None
        service = made[Location]
        service.provider, service.dspt_organisation = made[Provider], made[DsptOrganisation]
        if service.dspt_organisation is not None:
            service.dspt_organisation.current_assessment = made[DsptAssessment]
        service.matches, service.distance = row[0], row[1]
        services.append(service)
    return services


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
    years: tuple = ()  # a provider's page: its results by DSPT year (providers/results/track_record.py)


class ResultCardPaginator(SearchPaginator):
    """Pages of a search for the search pages: ResultCards, made from one query.

    The fields a card shows and the row's DSPT result come from one subquery
    (LocationQuerySet.with_result_card) that PostgreSQL works out after
    sorting and cutting the page, so for twenty rows, not for every match.
    `url_name` is the page each card links to.
    """

    def __init__(self, object_list, per_page, *, today: dt.date, url_name: str = "service", link_query: str = ""):
        super().__init__(object_list.with_result_card(CARD_FIELDS), per_page)
        self.today, self.url_name = today, url_name
        self.link_query = f"?{link_query}" if link_query else ""  # search results: "from=search", counted

    def page(self, number):
        found, number = self.page_of(number, "card")
        return self._get_page([self.card(row["card"], row.get("distance")) for row in found], number, self)

    def card(self, row: dict, distance: float | None) -> ResultCard:
        # As the ORM makes a row it has read (half the cost of Location(**fields), for 20 cards a page).
        service = Location.from_db(None, CARD_FIELDS, [row[name] for name in CARD_FIELDS])
        return ResultCard(
            cqc_location_id=service.cqc_location_id,
            url=reverse(self.url_name, args=[service.cqc_location_id]) + self.link_query,
            name=service.display_name,
            address=", ".join(service.address_lines),
            kind=service.get_category_display() + (f" · {distance_words(distance)} away" if distance is not None else ""),
            status=plain_status(status=row["dspt_status"], year_start=row["dspt_year"], today=self.today),
            dormant=service.dormant,
        )



"""Pages of search results: each page and the total from one query, never an OFFSET past the end.

- ResultCardPaginator: the search pages' cards (only what a card shows, with its DSPT result);
- IdsFirstPaginator: the API's pages (the page's IDs first, then those rows in full).
Both count the matches in the page's own query, and answer a page past the end with the last page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Window
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
        try:
            wanted = max(1, int(number))
        except (TypeError, ValueError):
            wanted = 1
        if wanted > MAX_PAGE:
            # No list is this long: count, and say it is past the end (get_page shows the last page), rather
            # than ask PostgreSQL for an OFFSET it may not be able to hold (past 2^63 it answers with an error).
            self.__dict__["count"] = self.object_list.count()
            return [], self.validate_number(wanted)
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



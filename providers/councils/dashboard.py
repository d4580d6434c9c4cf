"""An area's DSPT figures beside England's: by result, by type of service, and by DSPT year.

Each figure is a share of the registered care services, with the count
behind it and a link to the list of those services. Charts are SVG drawn
on the server (components/bar_chart.html) from the same numbers as the
tables beside them; a chart is never the only place a number appears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.text import slugify

from providers import freshness
from providers.register.models import Location
from providers.results import presenter
from providers.results.dspt_status import ALL_STATUSES, year_label, year_needed_on

ENGLAND = "england"  # England's own page and feed are at this area slug: /areas/england/
# How long England's figures are kept (they are also worked out again after every import and each day).
ENGLAND_CACHE_SECONDS = 3600
# How many DSPT years the uptake chart goes back.
YEARS_SHOWN = 6
# Chart geometry, in SVG units (the chart scales to its box; text stays legible on a 320 px phone).
CHART_WIDTH, BAR_MAX, BAR_HEIGHT, LABEL_HEIGHT, ROW_GAP = 320, 230, 16, 20, 14


@dataclass(frozen=True)
class Figure:
    count: int
    total: int
    link: str = ""

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def percent(self) -> str:
        return f"{self.share:.0%}" if self.total else "–"


@dataclass(frozen=True)
class Row:
    label: str
    area: Figure
    england: Figure


@dataclass
class Chart:
    """Rows of two bars each (the area's and England's), with the geometry the SVG template draws."""

    title: str
    description: str
    rows: list[Row]
    area_name: str
    compare: bool = True  # False on England's own page: one bar a row
    bars: list[dict] = field(default_factory=list)
    height: int = 0

    def __post_init__(self) -> None:
        y = 36 if self.compare else 8  # below the legend, if there is one
        bars_per_row = 2 if self.compare else 1
        for row in self.rows:
            self.bars.append({"label": row.label, "label_y": y + 13,
                              "area_y": y + LABEL_HEIGHT, "area_width": _width(row.area), "area_text": row.area.percent,
                              "england_y": y + LABEL_HEIGHT + BAR_HEIGHT + 2, "england_width": _width(row.england),
                              "england_text": row.england.percent})
            y += LABEL_HEIGHT + bars_per_row * (BAR_HEIGHT + 2) + ROW_GAP
        self.height = y


def _width(figure: Figure) -> float:
    return round(max(figure.share * BAR_MAX, 1.5 if figure.total else 0), 1)


@dataclass
class Dashboard:
    area_name: str
    current: Row
    by_result: Chart
    by_type: Chart
    by_year: Chart


@dataclass(frozen=True)
class Figures:
    """The counts behind a dashboard: by result, by type of service, and by DSPT year."""

    statuses: dict[str, int]
    categories: dict[str, tuple[int, int]]  # type of service: (services, with a current check)
    years: dict[int, int]

    @classmethod
    def of(cls, services, today: dt.date) -> "Figures":
        return cls(services.status_counts(today), services.current_by_category(today), services.results_by_year())

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def england_figures(today: dt.date) -> Figures:
    """England's figures, the same on every area page: worked out once a day and after each change of the
    data, then kept in the shared cache. (About 150 ms at 30,000 services, too much to repeat for every page.)
    """
    return cache.get_or_set(england_key("england-figures", today),
                            lambda: Figures.of(Location.objects.registered(), today), ENGLAND_CACHE_SECONDS)


def area_figures(name: str, today: dt.date) -> Figures:
    """An area's figures, kept like England's: a busy office browsing its area costs a query a page, not six
    (the limit on heavy pages counts what they cost: dsptlookup/middleware.py)."""
    return cache.get_or_set(england_key(f"area-figures:{slugify(name)}", today),
                            lambda: Figures.of(Location.objects.registered().in_area(name), today),
                            ENGLAND_CACHE_SECONDS)


def england_key(what: str, today: dt.date) -> str:
    """A cache key for figures worked out from our data: new each day and whenever the data changes (an
    import, an undo, an admin's edit: the data version of providers/freshness.py)."""
    return f"{what}:{today.isoformat()}:{freshness.data_dates().version}"


def build(*, area_name: str, area: Figures, england: Figures, today: dt.date, list_url: str) -> Dashboard:
    """The figures of one area (or of England, on its own page) beside England's.

    list_url: the area list's address; each figure links to it with the filter that shows its services
    ('' for England, whose figures link nowhere: its page lists the areas instead).
    """
    current_codes = [status.code for status in ALL_STATUSES if status.is_current]
    current = Row("Services with a current check",
                  Figure(sum(area.statuses[c] for c in current_codes), area.total, _link(list_url, "status=current")),
                  Figure(sum(england.statuses[c] for c in current_codes), england.total))
    by_result = [Row(presenter.present(status.code).label,
                     Figure(area.statuses[status.code], area.total, _link(list_url, f"status={status.code}")),
                     Figure(england.statuses[status.code], england.total)) for status in ALL_STATUSES]
    compare = area_name != "England"
    where = f"in {area_name} and in England" if compare else "in England"
    return Dashboard(
        area_name=area_name, current=current,
        by_result=Chart(f"DSPT results {where}", f"The share of care services with each result, {where}.",
                        by_result, area_name, compare),
        by_type=Chart(f"Current checks by type of service {where}",
                      f"The share of each type of care service with a current check, {where}.",
                      _by_type(area, england, list_url), area_name, compare),
        by_year=Chart(f"Results published for each DSPT year {where}",
                      f"The share of today's care services whose record published a result for each DSPT year, "
                      f"{where}. It shows how uptake moved over the years.",
                      _by_year(area, england, today, list_url), area_name, compare),
    )


def _link(list_url: str, query: str) -> str:
    """The area list filtered to a figure's services ('' on England's page, which has no list)."""
    return f"{list_url}?{query}" if list_url else ""


def _by_type(area: Figures, england: Figures, list_url: str) -> list[Row]:
    rows = []
    for value, label in Location.Category.choices:
        (area_total, area_current), (total, current) = area.categories.get(value, (0, 0)), england.categories.get(value, (0, 0))
        if total:
            rows.append(Row(label, Figure(area_current, area_total, _link(list_url, f"type={value}&status=current")),
                            Figure(current, total)))
    return rows


def _by_year(area: Figures, england: Figures, today: dt.date, list_url: str) -> list[Row]:
    newest = year_needed_on(today) + 1
    return [Row(year_label(year), Figure(area.years.get(year, 0), area.total, _link(list_url, f"year={year}")),
                Figure(england.years.get(year, 0), england.total))
            for year in range(newest - YEARS_SHOWN + 1, newest + 1)]

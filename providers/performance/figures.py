"""The published figures: worked out by the worker each hour (providers/tasks.py, PERFORMANCE_CRON) from the
day-by-day counts, a row a week (Monday to Sunday), and shown on /performance/ with CSV and JSON copies.

Each figure is defined once in FIGURES (its key, heading and meaning), for the page, the CSV and the JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Sum
from django.utils import timezone

from providers import freshness
from providers.performance import counting
from providers.performance.models import Tally, WeeklyFigures

WEEKS = 12  # the weeks the page shows; every week worked out is kept


@dataclass(frozen=True)
class Figure:
    key: str
    heading: str
    meaning: str
    kind: str = "count"  # count, percent or date
    chart: bool = True


FIGURES = [
    Figure("page_views", "Page views", "Pages opened, counted without cookies. Browsers that ask not to be counted "
                                       "(Global Privacy Control) are not."),
    Figure("searches", "Searches", "Searches for a care service, on any of our search pages."),
    Figure("found_nothing", "Searches that found nothing", "The share of searches that found no care service.",
           "percent"),
    Figure("completion", "Searches that led to a care service",
           "Care service pages opened from search results, for every 100 searches.", "percent"),
    Figure("did_you_mean", "Spelling suggestions followed", "Times someone chose our “Did you mean” suggestion."),
    Figure("satisfaction", "Said the page was useful",
           "Of the people who answered “Is this page useful?”, the share who said yes.", "percent"),
    Figure("answers", "Answered “Is this page useful?”", "How many people answered the question."),
    Figure("badge_services", "Care services showing their badge",
           "Care services whose badge another website showed during the week."),
    Figure("follows", "Email follows started", "People who confirmed they want an email when a result changes, "
                                               "or a reminder to renew."),
    Figure("letters", "Letters made", "Letters made to ask a care service about your information."),
    Figure("dspt_as_of", "DSPT data as of", "The date of the DSPT file we held at the end of the week.", "date",
           chart=False),
    Figure("cqc_as_of", "CQC data as of", "The date of the CQC list we held at the end of the week.", "date",
           chart=False),
]


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def work_out_week(start: dt.date, *, today: dt.date) -> dict:
    """The figures of the week starting `start` (a Monday), from the counts."""
    days = Tally.objects.filter(day__gte=start, day__lt=start + dt.timedelta(days=7))
    sums = dict(days.exclude(metric=counting.BADGE_SHOWN).values_list("metric").annotate(total=Sum("count")))
    get = lambda metric: sums.get(metric, 0)  # noqa: E731
    searches, answers = get(counting.SEARCH), get(counting.USEFUL_YES) + get(counting.USEFUL_NO)
    dates = freshness.data_dates()
    return {
        "page_views": get(counting.PAGE_VIEW), "searches": searches,
        "found_nothing": _percent(get(counting.SEARCH_FOUND_NOTHING), searches),
        "completion": _percent(get(counting.SEARCH_TO_SERVICE), searches),
        "did_you_mean": get(counting.DID_YOU_MEAN),
        "satisfaction": _percent(get(counting.USEFUL_YES), answers), "answers": answers,
        "badge_services": days.filter(metric=counting.BADGE_SHOWN).aggregate(n=Count("dimension", distinct=True))["n"],
        "follows": get(counting.FOLLOW), "letters": get(counting.LETTER),
        "dspt_as_of": dates.dspt_as_of.isoformat() if dates.dspt_as_of else None,
        "cqc_as_of": dates.cqc_as_of.isoformat() if dates.cqc_as_of else None,
        "complete": today >= start + dt.timedelta(days=7),
    }


def rebuild(today: dt.date | None = None) -> int:
    """Work out this week and each of the last WEEKS not finished when last worked out. Returns weeks written."""
    today = today or timezone.localdate()
    this_week = week_start(today)
    written = 0
    for weeks_ago in range(WEEKS):
        start = this_week - dt.timedelta(weeks=weeks_ago)
        held = WeeklyFigures.objects.filter(week_start=start).first()
        if held and held.figures.get("complete"):
            continue  # a finished week never changes
        WeeklyFigures.objects.update_or_create(week_start=start, defaults={"figures": work_out_week(start, today=today)})
        written += 1
    return written


def version() -> str:
    """Changes whenever the figures are worked out again: part of /performance/'s ETag (edge/caching.py)."""
    made = WeeklyFigures.objects.aggregate(latest=Max("made_at"))["latest"]
    return f"{made.timestamp():.0f}" if made else "0"


def _weeks() -> list[WeeklyFigures]:
    return list(WeeklyFigures.objects.order_by("-week_start")[:WEEKS])[::-1]


def _shown(figure: Figure, value) -> str:
    if value is None:
        return "–"
    if figure.kind == "percent":
        return f"{value:g}%"
    if figure.kind == "date":
        day = dt.date.fromisoformat(value)
        return f"{day.day} {day:%B %Y}"
    return f"{value:,}"


def _week_label(week: WeeklyFigures) -> str:
    start = week.week_start
    return f"{start.day} {start:%b %Y}" + ("" if week.figures.get("complete") else " (so far)")


def _chart(figure: Figure, weeks: list[WeeklyFigures]) -> dict:
    values = [week.figures.get(figure.key) for week in weeks]
    top = 100 if figure.kind == "percent" else max([v for v in values if v] or [1])
    rows = []
    for index, (week, value) in enumerate(zip(weeks, values)):
        width = round(140 * (value or 0) / top) if top else 0
        rows.append({"label": _week_label(week), "text": _shown(figure, value), "width": width,
                     "y": 8 + index * 24})
    return {"figure": figure, "rows": rows, "height": 16 + len(rows) * 24,
            "description": "; ".join(f"{row['label']}: {row['text']}" for row in rows)}


def page_context() -> dict:
    weeks = _weeks()
    return {"weeks": weeks, "charts": [_chart(figure, weeks) for figure in FIGURES if figure.chart],
            "freshness": [(figure, _shown(figure, weeks[-1].figures.get(figure.key)) if weeks else "–")
                          for figure in FIGURES if figure.kind == "date"],
            "made_at": max((week.made_at for week in weeks), default=None)}


def table() -> tuple[list[str], list[list]]:
    """The figures as a table: a heading row, then a row a week, oldest first (the CSV and the page agree)."""
    headings = ["Week starting", "Complete week"] + [figure.heading for figure in FIGURES]
    rows = [[week.week_start.isoformat(), "Yes" if week.figures.get("complete") else "No"]
            + ["" if week.figures.get(figure.key) is None else week.figures.get(figure.key) for figure in FIGURES]
            for week in _weeks()]
    return headings, rows


def as_json() -> dict:
    return {"figures": [{"key": f.key, "heading": f.heading, "meaning": f.meaning, "kind": f.kind} for f in FIGURES],
            "weeks": [{"week_starting": week.week_start.isoformat(), **week.figures} for week in _weeks()]}

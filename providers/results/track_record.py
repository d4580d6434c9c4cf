"""A care service's results over time: every DSPT record we hold for the organisation whose check it shows.

One shape (`PastResult`) for the service page, its Easy Read page, the
provider page, the API and the downloads. Each record says its DSPT year,
what it meant while it counted (in the DSPT rule's words:
providers/results/dspt_status.py), the day it was published, from when to
when it counted, and the file we first read it from. `years_at_a_glance`
turns the records into one entry a DSPT year, gaps included, for the small
chart: a year without a record is as telling as a year with one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from providers.results import dspt_status
from providers.results.presenter import present

# What a record meant while it counted, by the DSPT's own status.
_CODE_THEN = {
    dspt_status.EXCEEDED: "exceeds", dspt_status.MET: "meets", dspt_status.APPROACHING: "approaching",
    dspt_status.NOT_MET: "not_met", dspt_status.NOT_PUBLISHED: "not_published", dspt_status.OTHER: "unknown",
}
# A few words for each, for the chart and a download's cell. Never colour alone: the word is always shown.
SHORT_WORDS = {"exceeds": "Exceeded", "meets": "Met", "approaching": "Working towards", "not_met": "Not met",
               "not_published": "Not published", "unknown": "Other", "none": "No result"}
# One short Easy Read sentence a record, in the past: "In 2023-24 they said they met the standard."
EASY_READ_WORDS = {
    "exceeds": "they met the standard and had their computers tested",
    "meets": "they said they met the standard",
    "approaching": "they were working towards the standard",
    "not_met": "they did not meet the standard",
    "not_published": "they did not publish a check",
    "unknown": "we cannot say what their result meant",
}
GLANCE_YEARS = 8  # the chart shows at most this many DSPT years, the newest


@dataclass(frozen=True)
class PastResult:
    """One published DSPT record, with what it meant and when it counted."""

    status: str  # the DSPT's status as stored (DsptAssessment.Status)
    status_text: str  # exactly as published
    year_start: int | None
    published_on: dt.date | None
    counted_until: dt.date | None  # the last day it counted; None for a record that never counts
    file_name: str  # the file we first read it from ("" when not known)
    file_as_of: dt.date | None  # the date that file describes
    counts_today: bool

    @property
    def code(self) -> str:
        """What the record meant while it counted: exceeds, meets, approaching, not_met, not_published, unknown."""
        return _CODE_THEN[self.status]

    @property
    def year_label(self) -> str:
        return dspt_status.year_label(self.year_start) if self.year_start is not None else ""

    @property
    def counted_from(self) -> dt.date | None:
        """A record counts from the day it was published (only one that can count has this)."""
        return self.published_on if self.counted_until else None

    @property
    def label(self) -> str:
        return present(self.code).label

    @property
    def short_words(self) -> str:
        return SHORT_WORDS[self.code]

    @property
    def picture(self) -> str:
        return present(self.code).icon

    @property
    def easy_read_sentence(self) -> str:
        when = f"In {self.year_label}" if self.year_label else "Once"
        return f"{when} {EASY_READ_WORDS[self.code]}."


def past_result(assessment, *, today: dt.date) -> PastResult:
    """A DsptAssessment (fetched with_source()) as a PastResult on `today`."""
    year = assessment.year_start
    can_count = assessment.status in dspt_status.CURRENT_STATUSES and year is not None
    until = dspt_status.current_until(year) if can_count else None
    published = assessment.published_on
    return PastResult(
        status=assessment.status, status_text=assessment.status_text, year_start=year, published_on=published,
        counted_until=until, file_name=getattr(assessment, "source_file", None) or "",
        file_as_of=getattr(assessment, "source_as_of", None),
        counts_today=bool(until and until >= today and (published is None or published <= today)),
    )


def newest_first(assessments: Iterable) -> list:
    """Records in the order people read them: newest publication first, then the newest year."""
    return sorted(assessments, key=lambda a: (a.published_on or dt.date.min, a.year_start or 0, a.pk), reverse=True)


def past_results(assessments: Iterable, *, today: dt.date) -> list[PastResult]:
    """DsptAssessments (fetched with_source()) as PastResults, newest first."""
    return [past_result(record, today=today) for record in newest_first(assessments)]


def track_record(organisation, *, today: dt.date) -> list[PastResult]:
    """Every record of a DSPT organisation (or none), newest first. Uses prefetched records when there are some."""
    return past_results(organisation.records_with_source(), today=today) if organisation else []


@dataclass(frozen=True)
class YearAtAGlance:
    year_label: str
    code: str  # as PastResult.code, or "none" for a year with no record
    words: str
    published_on: dt.date | None


def years_at_a_glance(records: list[PastResult], *, today: dt.date) -> list[YearAtAGlance]:
    """One entry a DSPT year, oldest first, from the first year on record to the latest year now due.

    A year shows its newest record; a year with none says so. Records
    without a year (Not Published) are left to the table. Empty when no
    record has a year.
    """
    by_year: dict[int, PastResult] = {}
    for record in records:  # newest first, so the first seen for a year is its newest
        if record.year_start is not None:
            by_year.setdefault(record.year_start, record)
    if not by_year:
        return []
    last = max(max(by_year), dspt_status.year_needed_on(today))
    first = max(min(by_year), last - GLANCE_YEARS + 1)
    glance = []
    for year in range(first, last + 1):
        record = by_year.get(year)
        code = record.code if record else "none"
        glance.append(YearAtAGlance(dspt_status.year_label(year), code, SHORT_WORDS[code],
                                    record.published_on if record else None))
    return glance

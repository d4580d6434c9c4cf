"""The DSPT rule: what a published DSPT record means for a member of the public on a given day.

One pure function decides the result (`plain_status`); `result_for` adds the
dates and facts a page needs to tell the whole truth ("Stopped counting on
1 July 2026", "Last published on 28 June 2022"). The words people read for
each result live in providers/results/presenter.py. The rule in plain words, with the
public source of every claim, is docs/dspt-status-rule.md.

- A DSPT year runs like a financial year, 1 April to 31 March, written
  "2025-26". Care services must publish for it by 30 June after it ends.
- Our rule (no official rule says how long a result counts): a publication
  for a year counts until the deadline for the next year. So a 2024-25
  publication counts until 30 June 2026, and stops counting on 1 July 2026.
- Standards Exceeded (Standards Met plus Cyber Essentials Plus) that counts:
  exceeds. Standards Met: meets. Approaching Standards: working towards.
  Standards Not Met: does not meet. Any of these no longer counting: out of date.
- Not Published: no current check (the old date, if any, is kept).
- A status we do not recognise (older years' "Entry Level", or a new one):
  we cannot say what it means, and show its words as published.
- No DSPT record for the service at all: not found.

Change the rule here and in the doc, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# DSPT statuses as stored (DsptAssessment.Status values).
MET = "met"
EXCEEDED = "exceeded"
APPROACHING = "approaching"
NOT_MET = "not_met"
NOT_PUBLISHED = "not_published"
# A status we do not recognise: older years' "Entry Level", "Standards not
# fully met (plan agreed)", or one NHS England adds later. Kept as published.
OTHER = "other"

DEADLINE_MONTH, DEADLINE_DAY = 6, 30


@dataclass(frozen=True)
class PlainStatus:
    """One result a member of the public can see. Its words come from the presenter."""

    code: str  # exceeds, meets, approaching, not_met, out_of_date, not_published, unknown, not_found
    is_current: bool  # True when the record counts today

    @property
    def is_good(self) -> bool:
        return self.code in ("exceeds", "meets")

    @property
    def label(self) -> str:
        from providers.results.presenter import present

        return present(self.code).label

    @property
    def summary(self) -> str:
        from providers.results.presenter import present

        return present(self.code).summary


EXCEEDS = PlainStatus("exceeds", True)
MEETS = PlainStatus("meets", True)
WORKING_TOWARDS = PlainStatus("approaching", True)
DOES_NOT_MEET = PlainStatus("not_met", True)
OUT_OF_DATE = PlainStatus("out_of_date", False)
NOT_PUBLISHED_STATUS = PlainStatus("not_published", False)
UNKNOWN = PlainStatus("unknown", False)
NOT_FOUND = PlainStatus("not_found", False)

# In the order filters, counts and sorted lists show them: best first.
ALL_STATUSES = [EXCEEDS, MEETS, WORKING_TOWARDS, DOES_NOT_MEET, OUT_OF_DATE, NOT_PUBLISHED_STATUS, UNKNOWN, NOT_FOUND]
BY_CODE = {status.code: status for status in ALL_STATUSES}
CURRENT_STATUSES = (EXCEEDED, MET, APPROACHING, NOT_MET)  # DSPT statuses that can count today


def year_label(year_start: int) -> str:
    """2025 -> '2025-26'."""
    return f"{year_start}-{(year_start + 1) % 100:02d}"


def publication_deadline(year_start: int) -> dt.date:
    """The last day to publish for a DSPT year: 30 June after the year ends."""
    return dt.date(year_start + 1, DEADLINE_MONTH, DEADLINE_DAY)


def current_until(year_start: int) -> dt.date:
    """The last day a publication for this DSPT year still counts."""
    return publication_deadline(year_start + 1)


def stopped_counting_on(year_start: int) -> dt.date:
    """The first day a publication for this DSPT year no longer counts (1 July)."""
    return current_until(year_start) + dt.timedelta(days=1)


def year_needed_on(today: dt.date) -> int:
    """The earliest DSPT year that counts as current on this day.

    On 30 June 2026 a 2024-25 publication still counts (returns 2024);
    on 1 July 2026 only 2025-26 or later does (returns 2025).
    """
    year = today.year - 2
    while current_until(year) < today:
        year += 1
    return year


def plain_status(*, status: str | None, year_start: int | None, today: dt.date) -> PlainStatus:
    """Decide what a DSPT record means on `today`.

    status: a DsptAssessment.Status value; None when the service has no DSPT
    record. year_start: 2025 for 2025-26.
    """
    if status is None:
        return NOT_FOUND
    if status == NOT_PUBLISHED:
        return NOT_PUBLISHED_STATUS
    if status == OTHER:
        return UNKNOWN
    if status not in CURRENT_STATUSES:
        raise ValueError(f"Unknown DSPT status {status!r}")
    if year_start is None or today > current_until(year_start):
        return OUT_OF_DATE
    return {EXCEEDED: EXCEEDS, MET: MEETS, APPROACHING: WORKING_TOWARDS, NOT_MET: DOES_NOT_MEET}[status]


@dataclass(frozen=True)
class Result:
    """Everything true we can say about one care service's DSPT record on one day."""

    status: PlainStatus
    status_text: str = ""  # the DSPT's words, as published
    year_label: str = ""  # "2025-26"
    published_on: dt.date | None = None
    counts_until: dt.date | None = None  # for a result that counts today
    stopped_counting_on: dt.date | None = None  # for a result that is out of date
    match: str = ""  # how the record was found: a Location.DsptMatch value
    publisher: str = ""  # the DSPT organisation's name
    dormant: bool = False
    registered: bool = True

    @property
    def code(self) -> str:
        return self.status.code

    @property
    def own_record(self) -> bool:
        """True when the service published under its own code (not a head office or a name match)."""
        return self.match == "location"


def result_for(*, assessment, today: dt.date, match: str = "", publisher: str = "", dormant: bool = False,
               registered: bool = True) -> Result:
    """The Result of a DsptAssessment (or None, for no record) on `today`."""
    status = plain_status(status=assessment.status if assessment else None,
                          year_start=assessment.year_start if assessment else None, today=today)
    if assessment is None:
        return Result(status=status, match=match, dormant=dormant, registered=registered)
    year = assessment.year_start
    return Result(
        status=status, status_text=assessment.status_text, year_label=year_label(year) if year is not None else "",
        published_on=assessment.published_on,
        counts_until=current_until(year) if status.is_current else None,
        stopped_counting_on=stopped_counting_on(year) if status is OUT_OF_DATE and year is not None else None,
        match=match, publisher=publisher, dormant=dormant, registered=registered,
    )


@dataclass(frozen=True)
class StatusFilter:
    """The same rule as plain_status(), as conditions a database query can use."""

    statuses: tuple[str, ...] = ()
    min_year: int | None = None  # year_start >= this
    before_year: int | None = None  # year_start < this (or no year)
    no_record: bool = False


def status_filter(code: str, today: dt.date) -> StatusFilter:
    """Which DSPT records have plain status `code` on `today`. Mirrors plain_status()."""
    needed = year_needed_on(today)
    return {
        "exceeds": StatusFilter(statuses=(EXCEEDED,), min_year=needed),
        "meets": StatusFilter(statuses=(MET,), min_year=needed),
        "approaching": StatusFilter(statuses=(APPROACHING,), min_year=needed),
        "not_met": StatusFilter(statuses=(NOT_MET,), min_year=needed),
        "out_of_date": StatusFilter(statuses=CURRENT_STATUSES, before_year=needed),
        "not_published": StatusFilter(statuses=(NOT_PUBLISHED,)),
        "unknown": StatusFilter(statuses=(OTHER,)),
        "not_found": StatusFilter(no_record=True),
    }[code]


def current_check_filter(today: dt.date) -> StatusFilter:
    """Records that count today, whatever their result ("has a current check")."""
    return StatusFilter(statuses=CURRENT_STATUSES, min_year=year_needed_on(today))

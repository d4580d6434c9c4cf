"""The "is it current?" rule: one pure function, in one place.

Plain words (also in docs/dspt-status-rule.md):

- A DSPT year runs like a financial year, from 1 April to 31 March. We write
  it as "2025-26". Care services must publish for it by 30 June after it ends
  (30 June 2026 for 2025-26).
- A publication for a year stays current until the deadline for the next
  year. So a 2024-25 publication is current until 30 June 2026; from 1 July
  2026 a service needs a 2025-26 publication to be current.
- "Standards Met" and "Standards Exceeded" that are current: meets the standard.
  "Approaching Standards" that is current: working towards the standard.
  "Standards Not Met" that is current: does not meet the standard.
- A publication that is no longer current: out of date.
- "Not Published": no current assessment published (the service may have
  published in the past; its old date is kept).
- A status we do not recognise (older years' "Entry Level", or a new one):
  we cannot say what it means, and show its words as published.
- No DSPT record for the service at all: not found.

Change the rule here and in the doc, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    """What a DSPT record means for a member of the public, on a given day."""

    code: str  # meets, approaching, not_met, out_of_date, not_published, not_found
    label: str  # short words for a tag
    summary: str  # one plain sentence
    is_current: bool  # True when the record counts today

    @property
    def is_good(self) -> bool:
        return self.code == "meets"


MEETS = PlainStatus("meets", "Meets the standard", "This service has a current check. It says it meets the standard for keeping information safe.", True)
WORKING_TOWARDS = PlainStatus("approaching", "Working towards the standard", "This service has a current check. It does not meet the standard yet, but it has a plan to get there.", True)
DOES_NOT_MEET = PlainStatus("not_met", "Does not meet the standard", "This service has a current check. It says it does not meet the standard for keeping information safe.", True)
OUT_OF_DATE = PlainStatus("out_of_date", "Out of date", "This service's last check is too old to count. It should have done a new one.", False)
NOT_PUBLISHED_STATUS = PlainStatus("not_published", "No current check published", "This service should do the check every year, but it has not shared a check that is up to date.", False)
NOT_FOUND = PlainStatus("not_found", "No record found", "We could not find this service in the DSPT data.", False)
UNKNOWN = PlainStatus("unknown", "Result we cannot explain", "We cannot say what this result means. Its words are shown as they were published.", False)

ALL_STATUSES = [MEETS, WORKING_TOWARDS, DOES_NOT_MEET, OUT_OF_DATE, NOT_PUBLISHED_STATUS, UNKNOWN, NOT_FOUND]
BY_CODE = {status.code: status for status in ALL_STATUSES}


def year_label(year_start: int) -> str:
    """2025 -> '2025-26'."""
    return f"{year_start}-{(year_start + 1) % 100:02d}"


def publication_deadline(year_start: int) -> dt.date:
    """The last day to publish for a DSPT year: 30 June after the year ends."""
    return dt.date(year_start + 1, DEADLINE_MONTH, DEADLINE_DAY)


def current_until(year_start: int) -> dt.date:
    """The last day a publication for this DSPT year still counts."""
    return publication_deadline(year_start + 1)


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

    status: one of met, exceeded, approaching, not_met, not_published; None
    when the service has no DSPT record. year_start: 2025 for 2025-26.
    """
    if status is None:
        return NOT_FOUND
    if status == NOT_PUBLISHED:
        return NOT_PUBLISHED_STATUS
    if status == OTHER:
        return UNKNOWN
    if year_start is None or today > current_until(year_start):
        return OUT_OF_DATE
    if status in (MET, EXCEEDED):
        return MEETS
    if status == APPROACHING:
        return WORKING_TOWARDS
    if status == NOT_MET:
        return DOES_NOT_MEET
    raise ValueError(f"Unknown DSPT status {status!r}")


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
    published = (MET, EXCEEDED, APPROACHING, NOT_MET)
    return {
        "meets": StatusFilter(statuses=(MET, EXCEEDED), min_year=needed),
        "approaching": StatusFilter(statuses=(APPROACHING,), min_year=needed),
        "not_met": StatusFilter(statuses=(NOT_MET,), min_year=needed),
        "out_of_date": StatusFilter(statuses=published, before_year=needed),
        "not_published": StatusFilter(statuses=(NOT_PUBLISHED,)),
        "unknown": StatusFilter(statuses=(OTHER,)),
        "not_found": StatusFilter(no_record=True),
    }[code]

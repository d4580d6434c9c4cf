"""When a care service that asked for reminders hears from us, worked out from the DSPT rule's dates.

A result counts until 30 June (providers/results/dspt_status.py) and stops
counting on 1 July. We remind 8 weeks, 4 weeks and 1 week before the day it
stops counting, say so on that day, and say when a new result appears. Only
the latest reminder that is due is sent (someone who asks 5 weeks before gets
the 8-week one now and the 4-week one later, not both at once), and each at
most once for that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from providers.results import dspt_status
from providers.results.dspt_status import Result

BEFORE = (("8 weeks", 56), ("4 weeks", 28), ("1 week", 7))  # (stage, days before the result stops counting)
LAPSED = "lapsed"
NEW_RESULT = "new result"


@dataclass(frozen=True)
class Reminder:
    stage: str  # one of BEFORE's stages, LAPSED or NEW_RESULT
    stops_on: dt.date | None  # the day the result stops (or stopped) counting
    key: str  # once only: "2027-07-01:4 weeks"


def reminder_due(result: Result, *, today: dt.date, sent: list[str], told: list | None,
                 following_since: dt.date) -> Reminder | None:
    """The reminder to send today, if any.

    sent: the keys of the reminders already sent; told: what we last told
    ([result code, year, ...]) or None; following_since: the day they asked.
    """
    if told and result.status.is_current and result.year_label and result.year_label != told[1]:
        key = f"{result.year_label}:{NEW_RESULT}"
        return None if key in sent else Reminder(NEW_RESULT, result.counts_until + dt.timedelta(days=1), key)
    if result.status.is_current:
        stops_on = result.counts_until + dt.timedelta(days=1)
        due = [stage for stage, days in BEFORE if stops_on - dt.timedelta(days=days) <= today]
        if due:
            key = f"{stops_on.isoformat()}:{due[-1]}"
            return None if key in sent else Reminder(due[-1], stops_on, key)
        return None
    if result.code == "out_of_date" and result.stopped_counting_on and result.stopped_counting_on > following_since:
        key = f"{result.stopped_counting_on.isoformat()}:{LAPSED}"
        return None if key in sent else Reminder(LAPSED, result.stopped_counting_on, key)
    return None


def year_to_publish(stops_on: dt.date) -> str:
    """The DSPT year a service must publish for to count again from `stops_on` ('2026-27' for 1 July 2027)."""
    return dspt_status.year_label(dspt_status.year_needed_on(stops_on))

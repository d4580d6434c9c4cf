"""How fresh our data is, and the version of our data (every domain reads them; this module imports none): the date each source published the data we hold, and whether it is too old.

"As of" is the source's own date (the date in the published file's name, or
the date an admin gave), never the day we imported it: a file published a
month ago and imported today is a month old. The newest successful import of
each kind gives it. Pages warn when DSPT data is older than DSPT_STALE_DAYS
or the CQC list older than CQC_STALE_DAYS.

Every page shows this, so each process keeps it for CACHE_SECONDS (one
query each 5 seconds at most) and an import in this process forgets it at
once (runs.finish_run): an import by the worker or another app server is
seen by every process within 5 seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q

CACHE_SECONDS = 5
_cached: tuple[float, "DataDates"] | None = None


@dataclass(frozen=True)
class DataDates:
    dspt_as_of: dt.date | None
    cqc_as_of: dt.date | None
    dspt_updated_at: dt.datetime | None = None  # when we last imported each ("We last updated them on ...")
    cqc_updated_at: dt.datetime | None = None
    # Changes whenever our data does (an import, or an admin's edit): anything worked out from the data
    # and kept (a badge) is kept under it, so it is never out of date.
    version: str = "0"

    def dspt_stale(self, today: dt.date) -> bool:
        return self.dspt_as_of is not None and (today - self.dspt_as_of).days > settings.DSPT_STALE_DAYS

    def cqc_stale(self, today: dt.date) -> bool:
        return self.cqc_as_of is not None and (today - self.cqc_as_of).days > settings.CQC_STALE_DAYS

    def as_json(self) -> dict:
        """For the API: each date as YYYY-MM-DD, or null before the first import."""
        return {"dspt": self.dspt_as_of.isoformat() if self.dspt_as_of else None,
                "cqc": self.cqc_as_of.isoformat() if self.cqc_as_of else None}


def data_dates() -> DataDates:
    """The newest source date of the DSPT results and of the CQC list we hold."""
    global _cached
    now = time.time()  # (the app's clock, which tests can move)
    if _cached is None or now - _cached[0] > CACHE_SECONDS:
        _cached = (now, _read())
    return _cached[1]


def forget() -> None:
    """Read the dates again next time (after an import)."""
    global _cached
    _cached = None


EDITS_KEY = "data-edits"  # in the shared cache: when an admin last changed what a result depends on


def data_changed() -> None:
    """An admin changed a care service, a provider or a DSPT record, or accepted a match: once it is
    saved, every process sees a new data version within CACHE_SECONDS (imports need not call this)."""
    def bump():
        cache.set(EDITS_KEY, time.time_ns(), None)
        forget()

    transaction.on_commit(bump)


def _read() -> DataDates:
    # The import runs' table, read by its model's name: every domain reads the data dates, so this module
    # sits low, below the imports that write the runs (docs/adr/0018, second pass).
    runs = apps.get_model("providers", "ImportRun")
    imported = runs.objects.filter(state=runs.State.SUCCEEDED, dry_run=False)
    dspt, cqc = Q(kind=runs.Kind.DSPT), Q(kind=runs.Kind.CQC)
    newest = imported.aggregate(dspt=Max("data_as_of", filter=dspt), cqc=Max("data_as_of", filter=cqc),
                                dspt_at=Max("finished_at", filter=dspt), cqc_at=Max("finished_at", filter=cqc),
                                newest=Max("pk"))
    return DataDates(dspt_as_of=newest["dspt"], cqc_as_of=newest["cqc"], dspt_updated_at=newest["dspt_at"],
                     cqc_updated_at=newest["cqc_at"], version=f"{newest['newest'] or 0}.{cache.get(EDITS_KEY, 0)}")

"""The record of changes read as changes to care services, in the order they happened: /api/v1/changes.

    page = changes_after(parse_cursor(text), limit=100, now=timezone.now())
    page.changes        # Change: when, what kind, the service, what it was and is, and why
    page.next_cursor    # the client keeps this and sends it back for what came after

One source: the events the record of changes holds (providers/history/tracking.py) for care services and
DSPT records, and the DSPT rule (providers/results/dspt_status.py) for the day a result stops counting, which
no file says. Kinds: registered, closed, registered_again, dormant, active_again, renamed, moved (its
address), dspt_record (a different DSPT record covers it), result (a DSPT record published or changed), and
stopped_counting. A DSPT record's change is one change for each care service it covers now.

In order, exactly once: a change's position is (when, which table, which event, which service or kind), and
a cursor is the last position a client was given. Only settled events are given: those made before every
transaction still running began (less SETTLE_SECONDS for clocks that differ), so an import still writing
cannot add an event before a position already given. Read from the primary: a replica shows a transaction's
events only when it commits, so its "before" moves. Events are kept HISTORY_KEEP_DAYS (two years at least);
a cursor older than that gets 410 Gone (docs/adr/0028-change-feed.md).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from providers.history.record import _events_before
from providers.history.tracking import event_model
from providers.register.models import DsptAssessment, Location
from providers.results import presenter
from providers.results.dspt_status import CURRENT_STATUSES, plain_status, stopped_counting_on, year_label

DB = "default"  # never the replica (see above)
SETTLE_SECONDS = 5
LONDON = ZoneInfo("Europe/London")
# The tables a change comes from, in the order changes at the same moment are given.
LOCATIONS, RESULTS, STOPPED = 0, 1, 2
# A care service's event may be several changes, in this order.
SERVICE_KINDS = ("registered", "closed", "registered_again", "dormant", "active_again", "renamed", "moved",
                 "dspt_record", "removed")
ADDRESS = ("address_line_1", "address_line_2", "town", "county", "postcode")
EVENTS_PER_READ = 500
MOST_EVENTS_READ = 5000  # for one page: past this, a page may hold fewer changes (more=True says go on)
CURSOR_VERSION = "1"


class Invalid(ValueError):
    """A cursor that is not one we gave."""


class Gone(Exception):
    """A cursor older than the changes we keep."""


@dataclass(frozen=True, order=True)
class Position:
    at: dt.datetime
    table: int
    event: int
    item: int

    def encode(self) -> str:
        text = f"{CURSOR_VERSION}|{self.at.isoformat()}|{self.table}|{self.event}|{self.item}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BEGINNING = Position(dt.datetime(2000, 1, 1, tzinfo=dt.UTC), -1, 0, 0)


def parse_cursor(text: str) -> Position:
    """A cursor we gave, back: Invalid for anything else."""
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        version, at, table, event, item = decoded.split("|")
        position = Position(dt.datetime.fromisoformat(at), int(table), int(event), int(item))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise Invalid("This is not a cursor we gave. Start again without one.") from exc
    if version != CURSOR_VERSION or position.at.tzinfo is None or not LOCATIONS <= position.table <= STOPPED:
        raise Invalid("This is not a cursor we gave. Start again without one.")
    return position


def since(when: dt.datetime) -> Position:
    """A position just before everything made at or after `when`."""
    return Position(when, -1, 0, 0)


@dataclass
class Change:
    position: Position
    kind: str
    location: Location
    summary: str  # one plain sentence
    was: dict | None = None
    now: dict | None = None
    why: dict = field(default_factory=dict)


@dataclass
class Page:
    changes: list[Change]
    next_cursor: str
    more: bool  # there may be more settled changes now: ask again at once
    settled_until: dt.datetime


def changes_after(after: Position, *, limit: int, now: dt.datetime) -> Page:
    """Up to `limit` changes after a position, in order, and the cursor to send next."""
    if after.table >= 0 and after.at < now - dt.timedelta(days=settings.HISTORY_KEEP_DAYS):
        raise Gone("This cursor is older than the changes we keep. Download the full list, then start again "
                   "without a cursor.")
    horizon = settled_before(now)
    found = _service_changes(after, horizon, limit) + _result_changes(after, horizon, limit) \
        + _stopped_changes(after, horizon, limit)
    read_as_far_as_allowed = None in found  # a source stopped reading before it ran out
    found = sorted((c for c in found if c is not None and c.position > after), key=lambda c: c.position)
    changes, more = found[:limit], len(found) > limit or read_as_far_as_allowed
    last = changes[-1].position if changes else after
    return Page(changes=changes, next_cursor=last.encode(), more=more, settled_until=horizon)


def settled_before(now: dt.datetime) -> dt.datetime:
    """The moment before which every event is written for good: no transaction still running began earlier."""
    with connections[DB].cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # within a transaction the view is kept, else
        cursor.execute("""SELECT coalesce(extract(epoch FROM clock_timestamp() - min(xact_start)), 0)
                          FROM pg_stat_activity
                          WHERE datname = current_database() AND pid <> pg_backend_pid()
                            AND xact_start IS NOT NULL AND backend_type = 'client backend'""")
        running_for = float(cursor.fetchone()[0])
    return now - dt.timedelta(seconds=running_for + SETTLE_SECONDS)


def _events_from(model, after: Position, table: int, horizon: dt.datetime, limit: int):
    """The table's events after the position (those of its boundary event included), settled, in order."""
    lower = after.event if after.table == table else (0 if after.table < table else 2**62)
    return (event_model(model).objects.using(DB).select_related("pgh_context")
            .filter(Q(pgh_created_at__gt=after.at) | Q(pgh_created_at=after.at, pgh_id__gte=lower))
            .filter(pgh_created_at__lt=horizon).order_by("pgh_created_at", "pgh_id")[:limit])


def _why(context) -> dict:
    """Why a change was made, from its event's context: which import and file; a correction; ..."""
    data = (context.metadata if context else None) or {}
    via = data.get("via")
    if via in ("import", "undo"):
        return {"source": via, "file": data.get("file") or None, "import_run": data.get("run")}
    if via == "admin":
        return {"source": "correction", "note": "Corrected by the people who run DSPT Lookup."}
    return {"source": via or "unknown"}


def _reference(location: Location) -> dict:
    return {"cqc_location_id": location.cqc_location_id, "name": location.name}


# --- Care services: registered, closed, dormant, renamed, moved, covered by another record ------------


def _service_changes(after: Position, horizon: dt.datetime, limit: int) -> list[Change | None]:
    changes, start = [], after
    for _ in range(MOST_EVENTS_READ // EVENTS_PER_READ):
        events = list(_events_from(Location, start, LOCATIONS, horizon, EVENTS_PER_READ))
        if not events:
            return changes
        before = _events_before(Location, events)
        locations = Location.objects.using(DB).select_related("dspt_organisation").in_bulk(
            {event.pgh_obj_id for event in events})
        organisations = _organisations(events, before)
        for event in events:
            previous = before.get(event.pgh_obj_id)
            location = locations.get(event.pgh_obj_id) or _as_location(event)
            for item, kind, was, now in _service_kinds(previous, event, organisations):
                changes.append(Change(Position(event.pgh_created_at, LOCATIONS, event.pgh_id, item), kind, location,
                                      SERVICE_SENTENCES[kind], was, now, _why(event.pgh_context)))
            before[event.pgh_obj_id] = event
        if len(changes) > limit:
            return changes
        last = events[-1]
        start = Position(last.pgh_created_at, LOCATIONS, last.pgh_id + 1, 0)
    return changes + [None]  # read as far as one page may: there may be more


def _as_location(event) -> Location:
    """A service no longer held (removed): as its last event has it."""
    return Location(pk=event.pgh_obj_id, cqc_location_id=event.cqc_location_id, name=event.name)


SERVICE_SENTENCES = {
    "registered": "CQC registered this care service.",
    "closed": "CQC no longer lists this care service.",
    "registered_again": "CQC lists this care service again.",
    "dormant": presenter.DORMANT_SENTENCE,
    "active_again": "CQC says this service is giving care again.",
    "renamed": "Its name changed.",
    "moved": "Its address changed.",
    "dspt_record": "A different DSPT record covers it now.",
    "removed": "We no longer hold this care service.",
}


def _service_kinds(previous, event, organisations: dict):
    """(item, kind, was, now) for each change one event of a care service made."""
    label = event.pgh_label
    if label in ("insert", "delete"):
        kind = "registered" if label == "insert" else "removed"
        yield SERVICE_KINDS.index(kind), kind, None, None
        return
    if label != "update" or previous is None:
        return  # a baseline, or an update whose row before is no longer kept: nothing to compare
    pairs = {
        "closed": previous.deregistered_on is None and event.deregistered_on is not None,
        "registered_again": previous.deregistered_on is not None and event.deregistered_on is None,
        "dormant": not previous.dormant and event.dormant,
        "active_again": previous.dormant and not event.dormant,
        "renamed": previous.name != event.name,
        "moved": any(getattr(previous, name) != getattr(event, name) for name in ADDRESS),
        "dspt_record": previous.dspt_organisation_id != event.dspt_organisation_id,
    }
    for kind in SERVICE_KINDS:
        if pairs.get(kind):
            yield SERVICE_KINDS.index(kind), kind, *_was_and_now(kind, previous, event, organisations)


def _was_and_now(kind: str, previous, event, organisations: dict) -> tuple[dict | None, dict | None]:
    if kind == "renamed":
        return {"name": previous.name}, {"name": event.name}
    if kind == "moved":
        return ({name: getattr(previous, name) for name in ADDRESS}, {name: getattr(event, name) for name in ADDRESS})
    if kind == "closed":
        return None, {"deregistered_on": event.deregistered_on.isoformat()}
    if kind == "dspt_record":
        return organisations.get(previous.dspt_organisation_id), organisations.get(event.dspt_organisation_id)
    return None, None


def _organisations(events, before: dict) -> dict:
    """{DSPT organisation id: its code and name} for the records these events point at."""
    from providers.register.models import DsptOrganisation

    ids = {e.dspt_organisation_id for e in [*events, *before.values()] if e.dspt_organisation_id}
    return {o.pk: {"dspt_organisation": {"ods_code": o.ods_code, "name": o.name}}
            for o in DsptOrganisation.objects.using(DB).filter(pk__in=ids)}


# --- DSPT results: published or changed, and stopped counting ---------------------------------------


def _result_changes(after: Position, horizon: dt.datetime, limit: int) -> list[Change | None]:
    changes, start = [], after
    for _ in range(MOST_EVENTS_READ // EVENTS_PER_READ):
        events = [e for e in _events_from(DsptAssessment, start, RESULTS, horizon, EVENTS_PER_READ)]
        if not events:
            return changes
        before = _events_before(DsptAssessment, events)
        covering = _covered(e.organisation_id for e in events)
        for event in events:
            previous = before.get(event.pgh_obj_id)
            before[event.pgh_obj_id] = event
            if event.pgh_label not in ("insert", "update") or (previous and previous.status == event.status):
                continue
            day = timezone.localdate(event.pgh_created_at)
            was = _result(previous, day) if previous else _earlier_result(event, day)
            now = _result(event, day)
            summary = (f"Its DSPT result changed from {was['result']} to {now['result']}."
                       if was and was["result"] != now["result"] else f"New DSPT result: {now['result']}.")
            for location in covering.get(event.organisation_id, []):
                changes.append(Change(Position(event.pgh_created_at, RESULTS, event.pgh_id, location.pk), "result",
                                      location, summary, was, now, _why(event.pgh_context)))
        if len(changes) > limit:
            return changes
        last = events[-1]
        start = Position(last.pgh_created_at, RESULTS, last.pgh_id + 1, 0)
    return changes + [None]


def _covered(organisation_ids) -> dict[int, list[Location]]:
    """{DSPT organisation id: the care services its record covers now}, by id."""
    covering: dict[int, list[Location]] = {}
    for location in (Location.objects.using(DB).filter(dspt_organisation_id__in=set(organisation_ids))
                     .only("pk", "cqc_location_id", "name", "dspt_organisation_id").order_by("pk")):
        covering.setdefault(location.dspt_organisation_id, []).append(location)
    return covering


def _result(record, day: dt.date) -> dict:
    """A DSPT record as a change shows it: its result in words on the day, its code, year and words as published."""
    status = plain_status(status=record.status, year_start=record.year_start, today=day)
    return {"result": presenter.present(status.code).label, "status": status.code,
            "dspt_year": year_label(record.year_start) if record.year_start else None,
            "status_as_published": record.status_text,
            "published_on": record.published_on.isoformat() if record.published_on else None}


def _earlier_result(event, day: dt.date) -> dict | None:
    """For a new record, the organisation's record before it (the newest of those it already had), if any."""
    earlier = (DsptAssessment.objects.using(DB).filter(organisation_id=event.organisation_id, pk__lt=event.pgh_obj_id)
               .order_by("-published_on", "-year_start", "-id").first())
    return _result(earlier, day) if earlier else None


def _stopped_changes(after: Position, horizon: dt.datetime, limit: int) -> list[Change]:
    """Results that stopped counting (1 July, at midnight in England), no newer record having come before."""
    changes = []
    for year in range(max(after.at.year - 3, 2016), horizon.year + 1):
        stop = stopped_counting_on(year)
        at = dt.datetime.combine(stop, dt.time(), tzinfo=LONDON)
        if not (after.at <= at < horizon):
            continue
        lower = after.event if (after.at, after.table) == (at, STOPPED) else 0
        newer_in_time = DsptAssessment.objects.filter(
            Q(published_on__lt=stop) | Q(published_on__isnull=True, first_seen_at__lt=at),
            organisation_id=OuterRef("organisation_id"), year_start__gt=year)
        records = list(DsptAssessment.objects.using(DB).filter(year_start=year, status__in=CURRENT_STATUSES,
                                                               pk__gte=lower)
                       .exclude(Exists(newer_in_time)).order_by("pk")[:limit + 1])
        covering = _covered(record.organisation_id for record in records)
        for record in records:
            was, now = _result(record, stop - dt.timedelta(days=1)), _result(record, stop)
            for location in covering.get(record.organisation_id, []):
                changes.append(Change(Position(at, STOPPED, record.pk, location.pk), "stopped_counting", location,
                                      "Its DSPT result stopped counting. It is out of date now.", was, now,
                                      {"source": "rule", "note": "A DSPT result counts until 30 June, a year after "
                                                                  "its DSPT year ends."}))
            if len(changes) > limit:
                return changes
    return changes

"""Reading the record of changes: a record's history, and what one import (or one context) changed.

Each event holds a row as it became (a removal: as it was), so a change is an event beside the one before it
for the same row: the fields that differ, from what to what. The first event of a row that was there before
the record began is its 'baseline' (migration 0029).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, ForeignKey
from django.utils.text import capfirst

from providers.history.tracking import TRACKED, event_model

# The fields that name a record in the record of changes, first the name, then its codes.
NAMING_FIELDS = ("name", "status_text", "cqc_location_id", "cqc_provider_id", "ods_code", "code")
LABELS = {"insert": "Added", "update": "Changed", "delete": "Removed", "baseline": "As it was when the record began"}
PAGE_SIZE = 50


@dataclass
class Change:
    """One event, in words: what happened to which record, who or what did it, and each field from what to what."""

    event: object
    model: type
    what: str  # Added, Changed, Removed ...
    who: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field's name, before, after)

    @property
    def record(self) -> str:
        """The record, as its own fields name it: 'Location: Sunny Side Care Home (1-545611283)'."""
        names = [str(getattr(self.event, name)) for name in NAMING_FIELDS if getattr(self.event, name, "")]
        named = f"{names[0]} ({', '.join(names[1:])})" if len(names) > 1 else (names[0] if names else "")
        return f"{capfirst(self.model._meta.verbose_name)}: {named or self.event.pgh_obj_id}"


def who(context) -> str:
    """Who or what made a change, from the event's context (providers/history/context.py)."""
    if context is None:
        return "Not recorded (a migration, or a change made in the database directly)"
    data = context.metadata or {}
    via = data.get("via")
    if via == "admin":
        return f"{data.get('username', 'an admin')} in the admin ({data.get('url', '')})"
    if via in ("import", "undo"):
        verb = "Import" if via == "import" else "Undo"
        return f"{verb} run {data.get('run')}: {data.get('file', '')}".strip()
    if via == "command":
        return f"The operator: manage.py {data.get('command', '')} ({data.get('by', '')})".strip()
    if via == "migration":
        return "A migration (manage.py migrate)"
    if via == "worker":
        return f"The worker ({data.get('task', '')})"
    return str(data)


def tracked_fields(model) -> list:
    events = event_model(model)
    return [f for f in events._meta.concrete_fields if not f.name.startswith("pgh_") and f.name != "id"]


def history_of(model, pk) -> list[Change]:
    """Every event of one record, newest first, each with the fields it changed."""
    events = list(event_model(model).objects.filter(pgh_obj_id=pk).select_related("pgh_context").order_by("pgh_id"))
    return list(reversed(_named(model, _changes(model, events, {}))))


def _changes(model, events: list, before: dict) -> list[Change]:
    """Changes from events in order; `before` holds the event before the first of each row, if any."""
    fields, changes, last = tracked_fields(model), [], dict(before)
    for event in events:
        previous = last.get(event.pgh_obj_id)
        label = event.pgh_label
        differing = [(f.verbose_name, _shown(previous, f) if previous else "", _shown(event, f)) for f in fields
                     if previous is None or getattr(previous, f.attname) != getattr(event, f.attname)]
        if label == "delete":
            differing = [(name, after, "") for name, _, after in differing] if previous is None else []
        changes.append(Change(event=event, model=model, what=LABELS.get(label, label),
                              who=who(event.pgh_context), fields=differing if label != "baseline" else []))
        last[event.pgh_obj_id] = event
    return changes


def _named(model, changes: list[Change]) -> list[Change]:
    """A link to another record (an ID) shown as that record names itself, one query per kind of record."""
    links = {f.verbose_name: f.related_model for f in tracked_fields(model) if isinstance(f, ForeignKey)}
    wanted: dict = {}
    for change in changes:
        for name, before, after in change.fields:
            if name in links:
                wanted.setdefault(name, set()).update(v for v in (before, after) if v.isdigit())
    found = {name: {str(pk): str(obj) for pk, obj in links[name]._default_manager.select_related()
                    .in_bulk([int(v) for v in ids]).items()} for name, ids in wanted.items()}
    def named(name: str, value: str) -> str:
        if name not in links or not value.isdigit():
            return value
        return found.get(name, {}).get(value) or f"{value} (no longer held)"

    for change in changes:
        change.fields = [(name, named(name, before), named(name, after)) for name, before, after in change.fields]
    return changes


def _shown(event, field) -> str:
    value = getattr(event, field.attname)
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(empty)"
    return str(value)


@dataclass
class RunChanges:
    """What one context changed: counts by kind of record, and a page of changes."""

    counts: list[tuple[str, int, int, int]]  # (kind of record, added, changed, removed)
    page: object  # a Paginator page of Changes

    @property
    def total(self) -> int:
        return sum(added + changed + removed for _, added, changed, removed in self.counts)


def changes_in(context_id, *, page_number=1) -> RunChanges:
    """What was changed under one context (an import run's, say), kind by kind, a page of changes at a time."""
    counts, events = [], []
    for model in TRACKED:
        mine = event_model(model).objects.filter(pgh_context_id=context_id)
        by_label = dict(mine.values_list("pgh_label").annotate(n=Count("pgh_id")))
        if by_label:
            counts.append((capfirst(model._meta.verbose_name_plural), by_label.get("insert", 0),
                           by_label.get("update", 0), by_label.get("delete", 0)))
            events.append((model, mine))
    page = Paginator(_EventList(events), PAGE_SIZE).get_page(page_number)
    return RunChanges(counts=counts, page=page)


class _EventList:
    """The events of several tables as one list to page through (each table's in order), made into Changes."""

    def __init__(self, querysets: list):
        self.querysets = querysets

    def count(self) -> int:
        return sum(queryset.count() for _, queryset in self.querysets)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Change]:
        found, offset = [], window.start or 0
        wanted = (window.stop or 0) - offset
        for model, queryset in self.querysets:
            size = queryset.count()
            if offset >= size:
                offset -= size
                continue
            events = list(queryset.select_related("pgh_context").order_by("pgh_id")[offset:offset + wanted - len(found)])
            found += _named(model, _changes(model, events, _events_before(model, events)))
            offset = 0
            if len(found) >= wanted:
                break
        return found


def _events_before(model, events: list) -> dict:
    """For each row of these events, its event just before the first of them (to show what changed)."""
    if not events:
        return {}
    first = {}
    for event in events:
        first.setdefault(event.pgh_obj_id, event.pgh_id)
    earlier = (event_model(model).objects.filter(pgh_obj_id__in=list(first), pgh_id__lt=max(first.values()))
               .order_by("pgh_obj_id", "-pgh_id"))
    before = {}
    for event in earlier:
        if event.pgh_id < first[event.pgh_obj_id] and event.pgh_obj_id not in before:
            before[event.pgh_obj_id] = event
    return before


def forget_old_events(now) -> int:
    """The worker's daily tidy-up: events older than HISTORY_KEEP_DAYS (at least two years) go, except each
    record's newest one, which holds the record as it was then (what a later change is shown against, and
    what undoing a later import puts back). Returns how many went."""
    import datetime as dt

    from django.conf import settings
    from django.db import connection

    cutoff, gone = now - dt.timedelta(days=settings.HISTORY_KEEP_DAYS), 0
    with connection.cursor() as cursor:
        for model in TRACKED:
            table = event_model(model)._meta.db_table
            cursor.execute(f"""DELETE FROM {table} e WHERE e.pgh_created_at < %(cutoff)s AND EXISTS (
                                   SELECT 1 FROM {table} newer WHERE newer.pgh_obj_id = e.pgh_obj_id
                                   AND newer.pgh_id > e.pgh_id AND newer.pgh_created_at < %(cutoff)s)""",
                           {"cutoff": cutoff})
            gone += cursor.rowcount
        unused = " AND ".join(f"NOT EXISTS (SELECT 1 FROM {event_model(m)._meta.db_table} e WHERE e.pgh_context_id = c.id)"
                              for m in TRACKED)
        cursor.execute(f"DELETE FROM pghistory_context c WHERE c.created_at < %s AND {unused}", [cutoff])
    return gone

"""Undo an import: put back everything one run changed, from the record of changes, as one transaction.

    plan = undo.plan_for(run)        # what it would put back, or why it cannot (plan.blockers)
    undo_run = undo.undo(run, by="alex (admin)")

For each kind of record the run touched: a row it added is removed; a row it changed or removed is put back
as the event before the run's first change of it holds it. Refused when anything changed one of those rows
after the run (a later import, an admin's edit): undo that first. (Changes of a run that was itself undone
no longer count: its undo put the rows back as they were.) The undo is a run of its own (ImportRun,
`undoes`), recorded like any change, so it too shows in the record and could be undone; the run it undid
is marked UNDONE, so the data dates (providers/freshness.py) no longer count it, and the new run
gives every page, badge and feed a new data version at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from dsptlookup.database import use_app_clock, use_import_timeout
from providers.history.context import recorded
from providers.history.record import who
from providers.history.tracking import TRACKED, event_model
from providers import freshness
from providers.imports.models import ImportRun
from providers.imports.runs import one_import_at_a_time

logger = logging.getLogger(__name__)


@dataclass
class Part:
    """What an undo does to one kind of record."""

    model: type
    first_ids: dict = field(default_factory=dict)  # row id -> the run's first event of it
    added: list = field(default_factory=list)  # rows the run added: removed
    restored: list = field(default_factory=list)  # rows the run changed or removed: put back

    def many(self, count: int) -> str:
        """'1 DSPT organisation', '1,243 DSPT organisations'."""
        meta = self.model._meta
        return f"{count:,} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"


@dataclass
class UndoPlan:
    run: ImportRun
    parts: list[Part] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.blockers

    def summary(self) -> list[str]:
        """'put back 1,243 DSPT organisations', 'remove 12 care services' ..."""
        lines = []
        for part in self.parts:
            if part.restored:
                lines.append(f"put back {part.many(len(part.restored))} as before this import")
            if part.added:
                lines.append(f"remove {part.many(len(part.added))} this import added")
        return lines


def plan_for(run: ImportRun) -> UndoPlan:
    """What undoing `run` would do, or why it cannot be done."""
    plan = UndoPlan(run=run)
    if run.state != ImportRun.State.SUCCEEDED or run.dry_run:
        plan.blockers.append(f"Only an import that was written can be undone; this run is “{run.get_state_display()}”.")
        return plan
    if run.history_context is None:
        plan.blockers.append("This import ran before the record of changes began, so what it changed is not known.")
        return plan
    for model in TRACKED:
        part = _part(model, run.history_context)
        if part.first_ids:
            plan.parts.append(part)
            plan.blockers += _later_changes(part, run.history_context)
    if not plan.parts and not plan.blockers:
        plan.blockers.append("This import changed nothing, so there is nothing to put back.")
    return plan


def _part(model, context_id) -> Part:
    events = event_model(model).objects.filter(pgh_context_id=context_id)
    part = Part(model=model)
    spans = events.values("pgh_obj_id").annotate(first=Min("pgh_id"))
    part.first_ids = {row["pgh_obj_id"]: row["first"] for row in spans}
    added = set(events.filter(pgh_label="insert").values_list("pgh_obj_id", flat=True))
    before = _states_before(model, part.first_ids)
    part.added = sorted(pk for pk in part.first_ids if pk in added and pk not in before)
    part.restored = sorted(pk for pk in part.first_ids if pk in before)
    return part


def _states_before(model, first_ids: dict) -> set:
    """The rows that had a state before the run (an event before its first, other than a removal)."""
    if not first_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT DISTINCT ON (e.pgh_obj_id) e.pgh_obj_id, e.pgh_label
            FROM {event_model(model)._meta.db_table} e JOIN unnest(%s::bigint[], %s::bigint[]) AS f(obj, first)
              ON e.pgh_obj_id = f.obj AND e.pgh_id < f.first
            ORDER BY e.pgh_obj_id, e.pgh_id DESC""", [list(first_ids), list(first_ids.values())])
        return {obj for obj, label in cursor.fetchall() if label != "delete"}


def _later_changes(part: Part, context_id) -> list[str]:
    """Why not: the rows of this part something changed after the run, by whom."""
    events = event_model(part.model).objects
    last = dict(events.filter(pgh_context_id=context_id).values("pgh_obj_id").annotate(last=Max("pgh_id"))
                .values_list("pgh_obj_id", "last"))
    later = (events.filter(pgh_obj_id__in=list(last)).exclude(pgh_context_id=context_id)
             .exclude(pgh_context_id__in=_undone_contexts()).select_related("pgh_context").order_by("pgh_id"))
    changed_by: dict[str, set] = {}
    for event in later.iterator(chunk_size=2000):
        if event.pgh_id > last[event.pgh_obj_id]:
            changed_by.setdefault(who(event.pgh_context), set()).add(event.pgh_obj_id)
    return [f"{part.many(len(rows))} {'was' if len(rows) == 1 else 'were'} changed after this import by {by}. "
            "Undo that first, or change them back." for by, rows in changed_by.items()]


def _undone_contexts() -> list:
    """Changes that no longer count: those of a run that was undone, and of the undo that put them back."""
    undone = ImportRun.objects.filter(state=ImportRun.State.UNDONE, history_context__isnull=False)
    undos = ImportRun.objects.filter(undoes__in=undone, state=ImportRun.State.SUCCEEDED, history_context__isnull=False)
    return [*undone.values_list("history_context", flat=True), *undos.values_list("history_context", flat=True)]


class CannotUndo(Exception):
    pass


def undo(run: ImportRun, *, by: str) -> ImportRun:
    """Put back what `run` changed, in one transaction, as a run of its own. Raises CannotUndo with the reasons."""
    undoing = ImportRun.objects.create(kind=run.kind, file_name=f"Undo of run {run.pk}: {run.file_name}"[:255],
                                       started_by=by[:150], undoes=None, state=ImportRun.State.RUNNING)
    try:
        with one_import_at_a_time(undoing), recorded("undo", run=undoing.pk, undoes=run.pk,
                                                     file=run.file_name, by=by) as context:
            with transaction.atomic():
                use_import_timeout()
                use_app_clock()
                run = ImportRun.objects.select_for_update().get(pk=run.pk)
                plan = plan_for(run)  # again, inside the lock: nothing can have changed since
                if not plan.possible:
                    raise CannotUndo(" ".join(plan.blockers))
                for part in plan.parts:
                    _put_back(part)
                for part in reversed(plan.parts):  # a row goes after the rows that point at it
                    _remove(part)
                _after(run)
                ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.UNDONE)
                undoing.state, undoing.undoes, undoing.history_context = ImportRun.State.SUCCEEDED, run, context.id
                undoing.finished_at, undoing.message = timezone.now(), "Undone: " + "; ".join(plan.summary()) + "."
                undoing.changed = sum(len(part.restored) for part in plan.parts)
                undoing.removed = sum(len(part.added) for part in plan.parts)
                undoing.save()
    except BaseException as exc:
        ImportRun.objects.filter(pk=undoing.pk).update(
            state=ImportRun.State.FAILED, finished_at=timezone.now(),
            message=str(exc) if isinstance(exc, CannotUndo) else "The undo stopped with an error. Nothing was changed.")
        raise
    freshness.forget()
    logger.info("Import run %s undone by %s (run %s)", run.pk, by, undoing.pk)
    return undoing


def _put_back(part: Part) -> None:
    """Rows the run changed or removed, as the event before its first change of each holds them."""
    if not part.restored:
        return
    model, events = part.model, event_model(part.model)._meta.db_table
    table = model._meta.db_table
    columns = [f.column for f in event_model(model)._meta.concrete_fields if not f.name.startswith("pgh_")]
    assignments = ", ".join(f'"{c}" = b."{c}"' for c in columns if c != "id")
    firsts = [part.first_ids[pk] for pk in part.restored]
    with connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE TEMPORARY TABLE undo_before ON COMMIT DROP AS
            SELECT DISTINCT ON (e.pgh_obj_id) e.*
            FROM {events} e JOIN unnest(%s::bigint[], %s::bigint[]) AS f(obj, first)
              ON e.pgh_obj_id = f.obj AND e.pgh_id < f.first
            ORDER BY e.pgh_obj_id, e.pgh_id DESC""", [part.restored, firsts])
        cursor.execute(f'UPDATE "{table}" t SET {assignments} FROM undo_before b WHERE t.id = b.pgh_obj_id')
        missing = _not_null_untracked(model)
        names = ", ".join(_quoted(c) for c in [*columns, *(c for c, _ in missing)])
        values = ", ".join([*(f"b.{_quoted(c)}" for c in columns), *(sql for _, sql in missing)])
        cursor.execute(f'INSERT INTO "{table}" ({names}) SELECT {values} FROM undo_before b '
                       f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" t WHERE t.id = b.pgh_obj_id)')
        cursor.execute("DROP TABLE undo_before")


def _quoted(column: str) -> str:
    return f'"{column}"'


def _not_null_untracked(model) -> list[tuple[str, str]]:
    """Columns a row put back needs that the record does not keep: (column, the SQL that fills it)."""
    fills = {"created_at": "public.dspt_now()", "updated_at": "public.dspt_now()", "provider_name": "''",
             "first_seen_at": "public.dspt_now()"}
    tracked = {f.column for f in event_model(model)._meta.concrete_fields}
    return [(f.column, fills[f.column]) for f in model._meta.concrete_fields
            if f.column in fills and f.column not in tracked and not f.null]


def _remove(part: Part) -> None:
    """Rows the run added: gone again (related rows follow their models' rules, as any removal)."""
    if part.added:
        part.model.objects.filter(pk__in=part.added).delete()


def _after(run: ImportRun) -> None:
    """What the record does not keep, worked out again: names copied to services, the word list, data dates."""
    from providers.register.models import DsptOrganisation, Location
    from providers.search.word_list import rebuild_search_words

    with connection.cursor() as cursor:
        cursor.execute(f"""UPDATE {Location._meta.db_table} l SET provider_name = p.name FROM providers_provider p
                           WHERE p.id = l.provider_id AND l.provider_name IS DISTINCT FROM p.name""")
    if run.kind == ImportRun.Kind.CQC:
        rebuild_search_words()
    if run.kind == ImportRun.Kind.DSPT:
        # Each organisation in a file notes its date; without this run, the newest date left is the last other's.
        newest = (ImportRun.objects.filter(kind=ImportRun.Kind.DSPT, state=ImportRun.State.SUCCEEDED, dry_run=False)
                  .exclude(pk=run.pk).aggregate(Max("data_as_of"))["data_as_of__max"])
        if newest:
            DsptOrganisation.objects.filter(data_as_of__gt=newest).update(data_as_of=newest)
        # The rows put back are not the rows of the file last read: the next file is read whole.
        DsptOrganisation.objects.exclude(row_fingerprint=None).update(row_fingerprint=None)

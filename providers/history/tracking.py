"""What the record of changes follows, declared beside each model (docs/adr/0025-admin-trust.md).

`@tracked(exclude=...)` puts database triggers (django-pghistory, one per statement) on a model's table:
every row added, changed or removed, by any code path (the admin, an import's SQL, the worker, a migration,
psql), writes an event row holding the row as it now is (as it was, for a removal), with the context that
made it (providers/history/context.py: which admin, which import run and file, the worker, a migration).

Left out with `exclude`: columns worked out from others (search keys, name keys), the time a row was last
written, and anything personal a record of changes must not keep (a problem report's message and email).
A change to nothing but left-out columns writes no event.
"""

import pghistory
from django.db import models

# One trigger run per statement, not per row: an import's one UPDATE of 20,000 services writes its 20,000
# events in one INSERT ... SELECT from the statement's transition table.
LEVEL = pghistory.Statement


# Every tracked model, in the order a change must be put back (providers/imports/undo.py): a row before
# the rows that point at it.
TRACKED: list = []


def tracked(*, exclude: tuple[str, ...] = (), in_time_order: bool = False):
    """in_time_order: the change feed reads this model's events in the order they were made (an index on when,
    providers/history/changes.py)."""
    def register(model):
        TRACKED.append(model)
        name = model.__name__.lower()
        meta = {"indexes": [models.Index(fields=["pgh_created_at", "pgh_id"], name=f"{name}_event_time")]} \
            if in_time_order else None
        track = pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
                               exclude=list(exclude) or None, level=LEVEL, meta=meta,
                               # The indexes of an event table: a record's history, and what one context changed.
                               obj_field=pghistory.ObjForeignKey(db_index=True),
                               context_field=pghistory.ContextForeignKey(db_index=True))
        return track(model)

    return register


def event_model(model):
    """The event model pghistory made for a tracked model (LocationEvent for Location)."""
    from django.apps import apps

    return apps.get_model(model._meta.app_label, f"{model.__name__}Event")

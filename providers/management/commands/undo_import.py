"""manage.py undo_import RUN_ID [--yes]: put back everything one import changed (providers/imports/undo.py).

Without --yes it only says what it would do (or why it cannot).
"""

from django.core.management.base import BaseCommand, CommandError

from providers.imports import undo
from providers.imports.models import ImportRun


class Command(BaseCommand):
    help = "Undo an import run: put back every record it added, changed or removed."

    def add_arguments(self, parser):
        parser.add_argument("run_id", type=int)
        parser.add_argument("--yes", action="store_true", help="Do it (without this, only say what it would do).")
        parser.add_argument("--by", default="the operator (manage.py undo_import)")

    def handle(self, *args, run_id, yes, by, **options):
        run = ImportRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"There is no import run {run_id}.")
        plan = undo.plan_for(run)
        if not plan.possible:
            raise CommandError("Cannot undo: " + " ".join(plan.blockers))
        self.stdout.write(f"Undoing run {run.pk} ({run.file_name}) would " + "; ".join(plan.summary()) + ".")
        if not yes:
            self.stdout.write("Nothing was changed. Add --yes to do it.")
            return
        try:
            done = undo.undo(run, by=by)
        except undo.CannotUndo as exc:
            raise CommandError(f"Cannot undo: {exc}") from None
        self.stdout.write(f"Done: run {done.pk}. {done.message}")

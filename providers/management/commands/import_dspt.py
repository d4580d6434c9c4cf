"""Import the DSPT organisation search export.

    python manage.py import_dspt "DSPT search results 17_10_2023 08_55_43.csv"
    python manage.py import_dspt export.xlsx --dry-run
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from providers.management.commands._import_helpers import ProgressBar, report
from providers.services.dspt_import import import_dspt_file


class Command(BaseCommand):
    help = "Import the DSPT organisation search export (CSV as downloaded, or .xlsx/.ods)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would change; write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, path: Path, dry_run: bool, no_progress: bool, **options):
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        bar = ProgressBar(enabled=not no_progress and options["verbosity"] > 0, description="Reading")
        try:
            run = import_dspt_file(path=path, dry_run=dry_run, started_by="command line", progress=bar)
        finally:
            bar.close()
        report(self, run)

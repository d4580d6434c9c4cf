"""Import a postcode lookup table (ONS Postcode Directory or NSPL CSV).

    python manage.py import_postcodes NSPL_NOV_2026_UK.csv
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from providers.management.commands._import_helpers import ProgressBar, report
from providers.services.postcode_import import import_postcodes_file


class Command(BaseCommand):
    help = "Replace the postcode lookup table with an ONS/NSPL file (columns like Postcode or pcds, lat, long)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would change; write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, path: Path, dry_run: bool, no_progress: bool, **options):
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        bar = ProgressBar(enabled=not no_progress and options["verbosity"] > 0, description="Reading")
        try:
            run = import_postcodes_file(path=path, dry_run=dry_run, started_by="command line", progress=bar)
        finally:
            bar.close()
        report(self, run)

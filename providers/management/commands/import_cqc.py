"""Import the CQC list of registered care services.

    python manage.py import_cqc 16_November_2026_HSCA_Active_Locations.ods
    python manage.py import_cqc 16_November_2026_CQC_directory.csv --dry-run
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from providers.management.commands._import_helpers import ProgressBar, report
from providers.services.cqc_import import import_cqc_file


class Command(BaseCommand):
    help = "Import the CQC HSCA Active Locations file (.ods, .xlsx, .csv) or the weekly CQC directory CSV."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would change; write nothing.")
        parser.add_argument("--allow-removals", action="store_true",
                            help="Import even if the file would mark more than 10%% of services as no longer registered.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, path: Path, dry_run: bool, allow_removals: bool, no_progress: bool, **options):
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        bar = ProgressBar(enabled=not no_progress and options["verbosity"] > 0, description="Reading")
        try:
            run = import_cqc_file(path=path, dry_run=dry_run, allow_removals=allow_removals,
                                  started_by="command line", progress=bar)
        finally:
            bar.close()
        report(self, run)

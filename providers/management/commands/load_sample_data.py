"""Load the small sample in fixtures/ so a newcomer sees a working service.

    python manage.py load_sample_data          # only into an empty database
    python manage.py load_sample_data --force  # even if data is already there
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from providers.imports.models import ImportRun
from providers.imports.sources import (
    import_cqc_file,
    import_dspt_file,
    import_ods_file,
    import_postcodes_file,
)
from providers.register.models import Location

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SAMPLE_CQC = FIXTURES / "16_November_2026_HSCA_Active_Locations.ods"
SAMPLE_DSPT = FIXTURES / "DSPT search results 20_11_2026 09_15_02.csv"
SAMPLE_POSTCODES = FIXTURES / "postcodes_sample.csv"
SAMPLE_ODS_SITES = FIXTURES / "ecarehomesite.csv"
SAMPLE_ODS_HEAD_OFFICES = FIXTURES / "ecarehomehq.csv"


class Command(BaseCommand):
    help = "Import the sample CQC, DSPT and postcode files from fixtures/ (skipped if care services are already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Import the sample even if the database has data.")

    def handle(self, *args, force: bool, **options):
        if Location.objects.exists() and not force:
            self.stdout.write("Care services are already loaded; leaving them alone (use --force to reload the sample).")
            return
        samples = ((import_cqc_file, SAMPLE_CQC), (import_dspt_file, SAMPLE_DSPT), (import_ods_file, SAMPLE_ODS_SITES),
                   (import_ods_file, SAMPLE_ODS_HEAD_OFFICES), (import_postcodes_file, SAMPLE_POSTCODES))
        for importer, path in samples:
            run = importer(path=path, started_by="sample data")
            if run.state != ImportRun.State.SUCCEEDED:
                raise CommandError(f"The sample file {path.name} was rejected: {run.message} {run.errors[:5]}")
            self.stdout.write(f"Loaded {path.name}: {run.added} added, {run.changed} changed.")
        self.stdout.write(self.style.SUCCESS("Sample data loaded."))

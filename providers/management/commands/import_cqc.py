"""Import the CQC list of registered care services.

    python manage.py import_cqc 16_November_2026_HSCA_Active_Locations.ods
    python manage.py import_cqc 16_November_2026_CQC_directory.csv --dry-run
"""

from providers.imports.models import ImportRun
from providers.management.commands._import_helpers import ImportCommand


class Command(ImportCommand):
    help = "Import the CQC HSCA Active Locations file (.ods, .xlsx, .csv) or the weekly CQC directory CSV."
    kind = ImportRun.Kind.CQC

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--allow-removals", action="store_true",
                            help="Import even if the file would mark more than 10%% of services as no longer registered.")

    def importer_options(self, options) -> dict:
        return {"allow_removals": options["allow_removals"]}

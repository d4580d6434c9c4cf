"""Import the DSPT organisation search export.

    python manage.py import_dspt "DSPT search results 17_10_2023 08_55_43.csv"
    python manage.py import_dspt export.xlsx --dry-run
    python manage.py import_dspt "DSPT search results 17_06_2019 15_25_54.csv" --history

--history imports an older publication as history: its records are added, each with the file's own date, to
the organisations we hold, and no current result changes (providers/imports/dspt.py, apply_history).
"""

from providers.imports.models import ImportRun
from providers.management.commands._import_helpers import ImportCommand


class Command(ImportCommand):
    help = "Import the DSPT organisation search export (CSV as downloaded, or .xlsx/.ods)."
    kind = ImportRun.Kind.DSPT

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--history", action="store_true",
                            help="An older publication: add its records to the history of the organisations we "
                                 "hold, taking the file's own date, and change no current result.")

    def importer_options(self, options) -> dict:
        return {"as_history": True} if options["history"] else {}

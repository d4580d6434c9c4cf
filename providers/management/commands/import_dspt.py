"""Import the DSPT organisation search export.

    python manage.py import_dspt "DSPT search results 17_10_2023 08_55_43.csv"
    python manage.py import_dspt export.xlsx --dry-run
"""

from providers.imports.models import ImportRun
from providers.management.commands._import_helpers import ImportCommand


class Command(ImportCommand):
    help = "Import the DSPT organisation search export (CSV as downloaded, or .xlsx/.ods)."
    kind = ImportRun.Kind.DSPT

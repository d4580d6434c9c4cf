"""Import the DSPT organisation search export.

    python manage.py import_dspt "DSPT search results 17_10_2023 08_55_43.csv"
    python manage.py import_dspt export.xlsx --dry-run
"""

from providers.imports.dspt import import_dspt_file
from providers.management.commands._import_helpers import ImportCommand


class Command(ImportCommand):
    help = "Import the DSPT organisation search export (CSV as downloaded, or .xlsx/.ods)."
    importer = import_dspt_file

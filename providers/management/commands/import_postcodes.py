"""Import a postcode lookup table (ONS Postcode Directory or NSPL CSV).

    python manage.py import_postcodes NSPL_NOV_2026_UK.csv
"""

from providers.imports.models import ImportRun
from providers.management.commands._import_helpers import ImportCommand


class Command(ImportCommand):
    help = "Replace the postcode lookup table with an ONS/NSPL file (columns like Postcode or pcds, lat, long)."
    kind = ImportRun.Kind.POSTCODES

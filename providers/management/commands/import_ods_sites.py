"""Import an NHS ODS care home list: sites (ecarehomesite) or head offices (ecarehomehq).

    python manage.py import_ods_sites ecarehomesite.csv
    python manage.py import_ods_sites ecarehomehq.csv --dry-run

Which list a file is comes from its columns. The site list links each care
home to its head office, so a head office's DSPT check can be shown (as one
that "may cover" the service) on its sites' pages.
"""

from providers.imports.models import ImportRun
from providers.management.commands._import_helpers import ImportCommand


class Command(ImportCommand):
    help = ("Import an NHS ODS care home list (ecarehomesite or ecarehomehq CSV, no header row), "
            "linking care homes to their head offices.")
    kind = ImportRun.Kind.ODS

"""Turn on the PostgreSQL extensions that search needs.

pg_trgm gives typo-tolerant name matching; unaccent lets "Cafe" match "Café".
Both ship with PostgreSQL (and with the embedded server).
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [TrigramExtension(), UnaccentExtension()]

"""Room on each page of the DSPT organisations table for the daily update of every row.

Each DSPT import notes its date on every organisation in the file (data_as_of).
With free room on the page, PostgreSQL writes the new version beside the old
one and leaves the table's indexes alone (a "HOT" update), which costs a
fraction of updating five indexes, the trigram index among them, 60,000 times.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("providers", "0019_fewer_indexes")]

    operations = [
        migrations.RunSQL("ALTER TABLE providers_dsptorganisation SET (fillfactor = 70)",
                          "ALTER TABLE providers_dsptorganisation RESET (fillfactor)"),
    ]

"""Room on each page of the DSPT organisations table for a new version of *every* row (fillfactor 50).

Each day's DSPT file notes its date on all 60,000 organisations it lists.
Migration 0020 left 30% of each page free so that update could be
"heap-only" (the new version beside the old, no index touched). But one
statement updates every row on a page, and each old version stays until the
statement ends: 30% was room for fewer than half of them (277 of 600 in
tests/imports/test_dspt_import.py), and each of the rest went to another
page with a new entry in all five indexes, the trigram index among them.
Half a page is room for all. Measured at England scale: noting the date
went from 0.53 s to 0.23 s. The table takes about 10 MB more. Pages written
before this keep their layout until they are rewritten.
docs/adr/0002-imports.md, "Speed".
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("providers", "0026_search_keys_by_trigger")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE providers_dsptorganisation SET (fillfactor = 50)",
            "ALTER TABLE providers_dsptorganisation RESET (fillfactor)",
        ),
    ]

"""The record of changes starts with every row as it is: one 'baseline' event each (docs/adr/0025).

Events hold rows as they became; the state before a change is the event before it. A row that was there
before the record began has a baseline, so its first recorded change can be shown (from what, to what) and
undone like any other.
"""

from django.db import migrations

TRACKED = ["Provider", "Location", "DsptOrganisation", "DsptAssessment", "NameMatchCandidate", "ProblemReport"]


def baseline(apps, schema_editor):
    for name in TRACKED:
        tracked, event = apps.get_model("providers", name), apps.get_model("providers", f"{name}Event")
        columns = [field.column for field in event._meta.concrete_fields
                   if not field.name.startswith("pgh_") and field.column != "pgh_id"]
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{event._meta.db_table}" ({", ".join(columns)}, pgh_obj_id, pgh_label, pgh_created_at) '
                f'SELECT {", ".join(columns)}, id, %s, public.dspt_now() FROM "{tracked._meta.db_table}"', ["baseline"])


class Migration(migrations.Migration):
    dependencies = [("providers", "0028_record_of_changes_and_second_factor")]
    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]

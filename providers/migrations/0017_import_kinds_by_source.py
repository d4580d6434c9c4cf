"""Import runs name their kind of file by the source that reads it (providers/imports/sources.py).

The old kinds named a layout ('cqc_directory'); the layout now has its own
column, and the run's download is no longer called its 'source'.
"""

from django.db import migrations, models

OLD_KINDS = {
    "cqc_locations": ("cqc", "HSCA Active Locations"),
    "cqc_directory": ("cqc", "CQC care directory"),
    "ods_care_homes": ("ods", ""),
    "dspt": ("dspt", ""),
    "postcodes": ("postcodes", ""),
}


def forwards(apps, schema_editor):
    ImportRun = apps.get_model("providers", "ImportRun")
    for old, (kind, layout) in OLD_KINDS.items():
        ImportRun.objects.filter(kind=old).update(kind=kind, layout=layout)


def backwards(apps, schema_editor):
    ImportRun = apps.get_model("providers", "ImportRun")
    ImportRun.objects.filter(kind="cqc", layout="CQC care directory").update(kind="cqc_directory")
    ImportRun.objects.filter(kind="cqc").update(kind="cqc_locations")
    ImportRun.objects.filter(kind="ods").update(kind="ods_care_homes")


class Migration(migrations.Migration):
    dependencies = [("providers", "0016_miles_function")]

    operations = [
        migrations.AddField(
            model_name="importrun", name="layout",
            field=models.CharField(blank=True, max_length=100,
                                   help_text="Which layout of its kind the file turned out to be, e.g. 'CQC care directory'."),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="importrun", name="kind",
            field=models.CharField(choices=[("cqc", "CQC list of care services"),
                                            ("dspt", "DSPT organisation search export"),
                                            ("ods", "NHS ODS care home list"), ("postcodes", "Postcode lookup")],
                                   max_length=20),
        ),
        migrations.RenameField(model_name="importrun", old_name="source", new_name="download"),
        migrations.AddField(
            model_name="importrun", name="timings",
            field=models.JSONField(blank=True, default=dict, help_text="Seconds each step of the import took."),
        ),
    ]

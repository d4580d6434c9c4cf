"""The change feed (/api/v1/changes, providers/history/changes.py) reads care services' and DSPT records' events in
the order they were made: an index on when, for each."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pghistory', '0007_auto_20250421_0444'),
        ('providers', '0033_search_name_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='dsptassessmentevent',
            index=models.Index(fields=['pgh_created_at', 'pgh_id'], name='dsptassessment_event_time'),
        ),
        migrations.AddIndex(
            model_name='locationevent',
            index=models.Index(fields=['pgh_created_at', 'pgh_id'], name='location_event_time'),
        ),
    ]

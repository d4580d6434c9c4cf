"""An index of services by their name's search key: a checked list's line named as a service is, in one lookup
(providers/checking/matching.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('providers', '0032_name_within'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='location',
            index=models.Index(fields=['search_name'], name='location_search_name'),
        ),
    ]

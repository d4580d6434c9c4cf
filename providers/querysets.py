"""Read queries for care services, as chainable QuerySet methods.

    Location.objects.registered().in_area("Liverpool").with_dspt_status()
"""

from django.db import models


class LocationQuerySet(models.QuerySet):
    def registered(self):
        """Services CQC still lists (deregistered ones keep their pages)."""
        return self.filter(deregistered_on__isnull=True)

    def in_area(self, local_authority: str):
        return self.filter(local_authority__iexact=local_authority)

    def with_dspt_status(self):
        """Fetch each service's matched DSPT organisation and its current status in one query."""
        return self.select_related(
            "provider", "dspt_organisation", "dspt_organisation__current_assessment"
        )

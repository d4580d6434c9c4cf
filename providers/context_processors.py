from django.conf import settings
from django.utils import timezone

from providers import freshness


def service(request):
    """Values every page template needs: the service's name and how fresh its data is."""
    today = timezone.localdate()
    dates = freshness.data_dates()
    return {
        "service_name": settings.SERVICE_NAME,
        "data_dates": dates,
        "dspt_stale": dates.dspt_stale(today),
        "cqc_stale": dates.cqc_stale(today),
    }

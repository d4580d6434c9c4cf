"""What the counting keeps, and for how long (the privacy notice says the same, from the same settings)."""

import datetime as dt

from django.conf import settings

from providers.performance.models import Feedback, Tally, UnfoundSearch


def forget(today: dt.date) -> dict[str, int]:
    """Searches that found nothing after UNFOUND_KEEP_DAYS, feedback words after FEEDBACK_KEEP_DAYS, and the
    counts a day after TALLY_KEEP_DAYS (the weekly figures made from them stay)."""
    return {
        "searches that found nothing": UnfoundSearch.objects.filter(
            day__lt=today - dt.timedelta(days=settings.UNFOUND_KEEP_DAYS)).delete()[0],
        "feedback": Feedback.objects.filter(day__lt=today - dt.timedelta(days=settings.FEEDBACK_KEEP_DAYS)).delete()[0],
        "counts": Tally.objects.filter(day__lt=today - dt.timedelta(days=settings.TALLY_KEEP_DAYS)).delete()[0],
    }

"""Counts without tracking (docs/adr/0029-measuring-in-public.md): how many, never who."""

from django.db import models


class Tally(models.Model):
    """How many times one thing happened on one day: a page type viewed, a search, a 'useful' answer.

    No cookie, no address, nothing about the person: a number a day (providers/performance/counting.py).
    """

    day = models.DateField()
    metric = models.CharField(max_length=40)
    dimension = models.CharField(max_length=60, blank=True, help_text="A page type, or a care service's ID.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "metric", "dimension"], name="tally_once_a_day")]
        indexes = [models.Index(fields=["metric", "day"], name="tally_metric_day")]
        verbose_name_plural = "tallies"

    def __str__(self):
        return f"{self.day} {self.metric} {self.dimension}: {self.count}"


class UnfoundSearch(models.Model):
    """A search that found nothing, with anything that could identify someone taken out (scrub.py).

    Kept UNFOUND_KEEP_DAYS, for admins only, so that search can learn the names people use.
    """

    day = models.DateField()
    words = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "words"], name="unfound_search_once_a_day")]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"

    def __str__(self):
        return self.words


class Feedback(models.Model):
    """'What were you trying to do?': the words someone chose to give, with personal details taken out."""

    day = models.DateField()
    page_type = models.CharField(max_length=60)
    useful = models.BooleanField()
    words = models.TextField(max_length=500)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return self.words[:60]


class WeeklyFigures(models.Model):
    """The published figures of one week (Monday to Sunday), worked out by the worker (figures.py)."""

    week_start = models.DateField(unique=True)
    figures = models.JSONField(default=dict)
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name_plural = "weekly figures"

    def __str__(self):
        return f"Week of {self.week_start}"

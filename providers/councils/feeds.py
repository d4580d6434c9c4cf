"""Atom feeds of result changes, for an area (/areas/<area>/feed.atom) or a service (/services/<id>/feed.atom).

The changes come from the history we keep: every DSPT result ever seen for
each organisation (DsptAssessment), in order. Three kinds:
- a new publication (the first result we saw, or a new one with the same result);
- a result that changed (a new publication with a different result);
- a result that stopped counting (its year's deadline passed with nothing newer).
Each change is told for every care service that the organisation's record covers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from providers.register.models import DsptAssessment, Location
from providers.results import presenter
from providers.results.dspt_status import CURRENT_STATUSES, plain_status, stopped_counting_on

FEED_LENGTH = 50
PUBLISHED, CHANGED, STOPPED = "published", "changed", "stopped"


@dataclass(frozen=True)
class Change:
    kind: str
    on: dt.date
    location: Location
    assessment: DsptAssessment
    label: str  # the result in plain words, on the day of the change
    previous: str = ""  # for a change: the result before

    @property
    def title(self) -> str:
        name = self.location.display_name
        if self.kind == CHANGED:
            return f"{name}: result changed from {self.previous} to {self.label}"
        if self.kind == STOPPED:
            return f"{name}: result stopped counting ({self.assessment.year_label} was too old from {self.on:%-d %B %Y})"
        return f"{name}: new result, {self.label} ({self.assessment.year_label or 'year not given'})"

    @property
    def guid(self) -> str:
        return f"dspt-lookup:{self.location.cqc_location_id}:{self.kind}:{self.assessment.pk}"


def label_on(assessment: DsptAssessment, day: dt.date) -> str:
    status = plain_status(status=assessment.status, year_start=assessment.year_start, today=day)
    return presenter.present(status.code).label


def changes_for(locations, *, today: dt.date, limit: int = FEED_LENGTH) -> list[Change]:
    """The newest changes to the results of these services, newest first."""
    covered = defaultdict(list)
    for location in locations.exclude(dspt_organisation=None).select_related("dspt_organisation"):
        covered[location.dspt_organisation_id].append(location)
    history = defaultdict(list)
    for assessment in DsptAssessment.objects.filter(organisation_id__in=covered).order_by("id"):
        history[assessment.organisation_id].append(assessment)
    for records in history.values():
        records.sort(key=lambda record: (_day(record), record.pk))  # in the order they were published
    changes = [change for organisation, records in history.items()
               for event in _events(records, today)
               for change in _for_each(event, covered[organisation])]
    changes.sort(key=lambda change: (change.on, change.assessment.pk, change.kind), reverse=True)
    return changes[:limit]


def _events(records: list[DsptAssessment], today: dt.date):
    """(kind, day, assessment, previous label) for one organisation's results, in the order we saw them."""
    previous = None
    for position, record in enumerate(records):
        day = _day(record)
        label = label_on(record, day)
        if previous is not None and previous.status != record.status:
            yield CHANGED, day, record, label, label_on(previous, day)
        else:
            yield PUBLISHED, day, record, label, ""
        stopped = _stopped_on(record, records[position + 1:])
        if stopped and stopped <= today:
            yield STOPPED, stopped, record, label_on(record, stopped), label
        previous = record


def _stopped_on(record: DsptAssessment, later: list[DsptAssessment]) -> dt.date | None:
    """The day a result stopped counting, if nothing newer came before then."""
    if record.year_start is None or record.status not in CURRENT_STATUSES:
        return None
    stop = stopped_counting_on(record.year_start)
    return None if any(_day(newer) < stop for newer in later) else stop


def _day(record: DsptAssessment) -> dt.date:
    """When a result came out: its publication date, else the day we first saw it."""
    return record.published_on or timezone.localdate(record.first_seen_at)


def _for_each(event, locations):
    kind, day, record, label, previous = event
    for location in locations:
        yield Change(kind=kind, on=day, location=location, assessment=record, label=label, previous=previous)


class _ChangesFeed(Feed):
    """What both feeds share: Atom, newest first, each change linking to its service's page."""

    feed_type = Atom1Feed

    def item_title(self, change: Change) -> str:
        return change.title

    def item_description(self, change: Change) -> str:
        look = presenter.present(plain_status(status=change.assessment.status, year_start=change.assessment.year_start,
                                              today=timezone.localdate()).code)
        published = change.assessment.published_on
        return (f"{change.title}. As published: {change.assessment.status_text}"
                f"{f', on {published:%-d %B %Y}' if published else ''}. Today: {look.label}. {look.summary}")

    def item_link(self, change: Change) -> str:
        return reverse("service", args=[change.location.cqc_location_id])

    def item_guid(self, change: Change) -> str:
        return change.guid

    item_guid_is_permalink = False

    def item_updateddate(self, change: Change) -> dt.datetime:
        return dt.datetime.combine(change.on, dt.time(), tzinfo=dt.timezone.utc)

    item_pubdate = item_updateddate


class AreaFeed(_ChangesFeed):
    def get_object(self, request, slug):
        name = Location.objects.registered().area_names().get(slug)
        if name is None:
            raise Http404("No such area")
        return slug, name

    def title(self, area) -> str:
        return f"Data security check results: care services in {area[1]}"

    def subtitle(self, area) -> str:
        return (f"New results, results that changed and results that stopped counting, for care services in {area[1]}. "
                "From DSPT Lookup.")

    def link(self, area) -> str:
        return reverse("area", args=[area[0]])

    def items(self, area):
        return changes_for(Location.objects.registered().in_area(area[1]), today=timezone.localdate())


class ServiceFeed(_ChangesFeed):
    def get_object(self, request, location_id):
        return get_object_or_404(Location, cqc_location_id=location_id)

    def title(self, location) -> str:
        return f"Data security check results: {location.display_name}"

    def subtitle(self, location) -> str:
        return f"New results, results that changed and results that stopped counting for {location.display_name}."

    def link(self, location) -> str:
        return reverse("service", args=[location.cqc_location_id])

    def items(self, location):
        return changes_for(Location.objects.filter(pk=location.pk), today=timezone.localdate())

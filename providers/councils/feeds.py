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

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from providers.councils.dashboard import ENGLAND, ENGLAND_CACHE_SECONDS, england_key
from providers.edge import keys
from providers.register.models import DsptAssessment, Location, Provider
from providers.register.shape import care_service
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
    for location in locations.exclude(dspt_organisation=None).with_dspt_status():
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


@dataclass(frozen=True)
class Subject:
    """What one feed is about, and the request's own facts (a feed object serves every request at once)."""

    name: str
    link: str
    locations: object  # a QuerySet of Location
    base_url: str
    today: dt.date


@dataclass(frozen=True)
class Entry:
    """One change, with its service as the one shape gives it today (providers/register/shape.py)."""

    change: Change
    service: dict


class PlainTextAtom(Atom1Feed):
    """Atom whose entry summaries are plain text (type="text").

    Django writes summaries as type="html", which tells a feed reader to show
    the text as markup: a care service named "<b>Bold</b>" in the CQC file
    would then reach readers bold, or worse. As text it is shown as written.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class _ChangesFeed(Feed):
    """What every feed shares: Atom, newest first, each change linking to its service's page.

    RFC 4287 asks every entry for an author: the feed's (and each entry's) is the service.
    """

    feed_type = PlainTextAtom
    author_name = item_author_name = settings.SERVICE_NAME

    def subject(self, request, *, name: str, link: str, locations) -> Subject:
        return Subject(name=name, link=link, locations=locations, today=timezone.localdate(),
                       base_url=request.build_absolute_uri("/").rstrip("/"))

    def link(self, subject: Subject) -> str:
        return subject.link

    def items(self, subject: Subject) -> list[Entry]:
        changes = changes_for(subject.locations, today=subject.today)
        return [Entry(change, care_service(change.location, today=subject.today, base_url=subject.base_url))
                for change in changes]

    def item_title(self, entry: Entry) -> str:
        return entry.change.title

    def item_description(self, entry: Entry) -> str:
        change, dspt = entry.change, entry.service["dspt"]
        published = change.assessment.published_on
        return (f"{change.title}. As published: {change.assessment.status_text}"
                f"{f', on {published:%-d %B %Y}' if published else ''}. Today: {dspt['label']}. {dspt['summary']}")

    def item_link(self, entry: Entry) -> str:
        return entry.service["url"]

    def item_guid(self, entry: Entry) -> str:
        return entry.change.guid

    item_guid_is_permalink = False

    def item_updateddate(self, entry: Entry) -> dt.datetime:
        return dt.datetime.combine(entry.change.on, dt.time(), tzinfo=dt.timezone.utc)

    item_pubdate = item_updateddate


class AreaFeed(_ChangesFeed):
    """An area's feed; /areas/england/feed.atom is England's, every registered service.

    England's reads the history of every service (seconds at 30,000), so it is
    made once a day and after each import, and kept (dashboard.england_key).
    """

    def __call__(self, request, *args, **kwargs):
        if kwargs.get("slug") != ENGLAND:
            return super().__call__(request, *args, **kwargs)
        key = england_key(f"england-feed:{request.build_absolute_uri('/')}", timezone.localdate())
        content = cache.get(key)
        if content is None:
            content = super().__call__(request, *args, **kwargs).content
            cache.set(key, content, ENGLAND_CACHE_SECONDS)
        return HttpResponse(content, content_type="application/atom+xml; charset=utf-8")

    def get_object(self, request, slug):
        if slug == ENGLAND:
            return self.subject(request, name="England", link=reverse("area", args=[ENGLAND]),
                                locations=Location.objects.registered())
        name = Location.objects.registered().area_names().get(slug)
        if name is None:
            raise Http404("No such area")
        keys.about(request, area=slug)
        return self.subject(request, name=name, link=reverse("area", args=[slug]),
                            locations=Location.objects.registered().in_area(name))

    def title(self, subject: Subject) -> str:
        return f"Data security check results: care services in {subject.name}"

    def subtitle(self, subject: Subject) -> str:
        return (f"New results, results that changed and results that stopped counting, for care services in "
                f"{subject.name}. From DSPT Lookup.")


class ServiceFeed(_ChangesFeed):
    def get_object(self, request, location_id):
        location = get_object_or_404(Location.objects.select_related("provider"), cqc_location_id=location_id)
        keys.about_location(request, location)
        return self.subject(request, name=location.display_name, link=reverse("service", args=[location_id]),
                            locations=Location.objects.filter(pk=location.pk))

    def title(self, subject: Subject) -> str:
        return f"Data security check results: {subject.name}"

    def subtitle(self, subject: Subject) -> str:
        return f"New results, results that changed and results that stopped counting for {subject.name}."


class ProviderFeed(_ChangesFeed):
    """The changes to the results of every registered care service one provider runs."""

    def get_object(self, request, provider_id):
        provider = get_object_or_404(Provider, cqc_provider_id=provider_id)
        keys.about(request, provider=provider_id)
        return self.subject(request, name=provider.name, link=reverse("provider", args=[provider_id]),
                            locations=Location.objects.registered().filter(provider=provider))

    def title(self, subject: Subject) -> str:
        return f"Data security check results: care services run by {subject.name}"

    def subtitle(self, subject: Subject) -> str:
        return (f"New results, results that changed and results that stopped counting, for the care services "
                f"{subject.name} runs. From DSPT Lookup.")

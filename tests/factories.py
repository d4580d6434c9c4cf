"""factory_boy factories for the models. Use these for small, focused tests.

A DSPT record is current on the test's today unless a test says otherwise:
its year is the earliest DSPT year that counts today (dspt_status.year_needed_on),
published on 1 June after that year ended. A test about a rule (a named
deadline) passes its own years and dates.
"""

import datetime as dt

import factory
from django.utils import timezone

from providers.register.models import DsptAssessment, DsptOrganisation, Location, Provider
from providers.results.dspt_status import year_label, year_needed_on


def current_year() -> int:
    """The earliest DSPT year whose result counts today: 2025 (2025-26) from 1 July 2026 to 30 June 2027."""
    return year_needed_on(timezone.localdate())


def published_for(year_start: int | None) -> dt.date | None:
    """A publication date for a DSPT year: 1 June after the year ended (before its deadline)."""
    return dt.date(year_start + 1, 6, 1) if year_start is not None else None


def met_text(year_start: int) -> str:
    """'25/26 Standards Met' for 2025."""
    return f"{year_label(year_start)[2:4]}/{year_label(year_start)[5:]} Standards Met"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    cqc_provider_id = factory.Sequence(lambda n: f"1-9{n:08d}")
    name = factory.Sequence(lambda n: f"Provider {n} Ltd")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    cqc_location_id = factory.Sequence(lambda n: f"1-8{n:08d}")
    provider = factory.SubFactory(ProviderFactory)
    provider_name = factory.SelfAttribute("provider.name")
    name = factory.Sequence(lambda n: f"Care Home {n}")
    address_line_1 = "1 High Street"
    town = "Liverpool"
    postcode = "L8 1AA"
    local_authority = "Liverpool"
    region = "North West"
    latitude = 53.39
    longitude = -2.95
    category = Location.Category.CARE_HOME
    care_home = True


class DsptOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DsptOrganisation

    ods_code = factory.Sequence(lambda n: f"V{n:04d}")
    name = factory.Sequence(lambda n: f"ORGANISATION {n}")


class DsptAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DsptAssessment

    organisation = factory.SubFactory(DsptOrganisationFactory)
    status = DsptAssessment.Status.MET
    year_start = factory.LazyFunction(current_year)
    published_on = factory.LazyAttribute(lambda record: published_for(record.year_start))
    status_text = factory.LazyAttribute(lambda record: met_text(record.year_start))


CURRENT = object()  # organisation_with_status: a year (and date, and words) current on the test's today


def organisation_with_status(*, ods_code: str, status: str = "met", year_start=CURRENT, published_on=CURRENT,
                             status_text: str | object = CURRENT):
    """A DSPT organisation whose current status is the one given (by default Standards Met, current today)."""
    year_start = current_year() if year_start is CURRENT else year_start
    published_on = published_for(year_start) if published_on is CURRENT else published_on
    status_text = met_text(year_start) if status_text is CURRENT else status_text
    organisation = DsptOrganisationFactory(ods_code=ods_code)
    assessment = DsptAssessmentFactory(organisation=organisation, status=status, year_start=year_start,
                                       published_on=published_on, status_text=status_text)
    organisation.current_assessment = assessment
    organisation.save()
    return organisation

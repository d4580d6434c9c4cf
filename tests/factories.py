"""factory_boy factories for the models. Use these for small, focused tests."""

import datetime as dt

import factory

from providers.register.models import DsptAssessment, DsptOrganisation, Location, Provider


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
    year_start = 2025
    published_on = dt.date(2026, 6, 1)
    status_text = "25/26 Standards Met"


def organisation_with_status(*, ods_code: str, status: str = "met", year_start: int | None = 2025,
                             published_on=dt.date(2026, 6, 1), status_text: str = "25/26 Standards Met"):
    """A DSPT organisation whose current status is the one given."""
    organisation = DsptOrganisationFactory(ods_code=ods_code)
    assessment = DsptAssessmentFactory(organisation=organisation, status=status, year_start=year_start,
                                       published_on=published_on, status_text=status_text)
    organisation.current_assessment = assessment
    organisation.save()
    return organisation

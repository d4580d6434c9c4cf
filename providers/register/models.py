"""The care services and DSPT records we hold, and how they are linked.

- Provider and Location come from the CQC list of registered care services.
  A Location is one care service (a care home, a home care office, ...);
  a Provider is the company or charity that runs one or more of them.
- DsptOrganisation and DsptAssessment come from the DSPT publication data.
  An organisation is one ODS code; an assessment is one published status
  (year, status, date). We keep every assessment we have seen, so a service's
  page can show its record over time.
- A Location is matched to the DsptOrganisation whose publication may cover
  it by a ladder of methods, stored in Location.dspt_match: its own ODS code,
  its head office (from the NHS ODS care home lists, OdsCareHome), its
  provider's ODS code, or its provider's name (providers/register/matching.py).
  Close-but-not-exact names wait for an admin in NameMatchCandidate.
"""

import datetime as dt

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from providers.history.tracking import tracked
from providers.register.querysets import LocationQuerySet
from providers.results.dspt_status import PlainStatus, Result, plain_status, result_for
from providers.results.presenter import MATCHES
from providers.search.keys import NameKey, SearchText, SearchWeighted


@tracked(exclude=("name_key", "updated_at"))
class Provider(models.Model):
    """A registered provider: the organisation that runs care services."""

    cqc_provider_id = models.CharField("CQC provider ID", max_length=20, unique=True)
    name = models.CharField(max_length=255)
    # Up to 32: an admin may set a DSPT code with a suffix ('V10679-765139') by accepting a name match.
    ods_code = models.CharField("ODS code", max_length=32, blank=True)
    provider_type = models.CharField(max_length=100, blank=True)
    ownership_type = models.CharField(max_length=100, blank=True)
    companies_house_number = models.CharField(max_length=20, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=255, blank=True)
    address_line_1 = models.CharField(max_length=255, blank=True)
    address_line_2 = models.CharField(max_length=255, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    local_authority = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by a trigger when the name changes (migration 0026); declared generated so Django never writes it.
    name_key = models.GeneratedField(
        expression=NameKey(models.F("name")), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(name="provider_name_key", fields=["name_key"]),
                   models.Index(name="provider_ods_code", fields=["ods_code"])]

    def __str__(self):
        return f"{self.name} ({self.cqc_provider_id})"


# data_as_of is noted on every organisation by each day's file: a record of that alone would be 60,000 rows a day.
@tracked(exclude=("name_key", "updated_at", "data_as_of", "row_fingerprint"))
class DsptOrganisation(models.Model):
    """One organisation in the DSPT data, known by its ODS code."""

    # Some DSPT codes carry a suffix: 'V10679-765139', 'ECC0001-SOM-SEWTU'.
    ods_code = models.CharField("ODS code", max_length=32, unique=True)
    name = models.CharField(max_length=255)
    primary_sector = models.CharField(max_length=100, blank=True)
    integrated_care_board = models.CharField(max_length=255, blank=True)
    current_assessment = models.ForeignKey(
        "DsptAssessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The status this organisation showed in the newest import.",
    )
    data_as_of = models.DateField(
        null=True, blank=True, help_text="Date of the newest data we hold for this organisation."
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The fingerprint of the file row this organisation was last read from (providers/imports/reading.py,
    # fingerprint): the next day's file is mostly the same rows, recognised without being read again.
    # Cleared by any other change (an admin's edit, an undo), so such a row is read whole next time.
    row_fingerprint = models.BigIntegerField(null=True, blank=True, editable=False)
    # Kept by a trigger when the name changes (migration 0026); declared generated so Django never writes it.
    name_key = models.GeneratedField(
        expression=NameKey(models.F("name")), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "DSPT organisation"
        indexes = [models.Index(name="dspt_organisation_name_key", fields=["name_key"]),
                   GinIndex(name="dspt_organisation_name_trgm", fields=["name_key"], opclasses=["gin_trgm_ops"])]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"

    def save(self, *args, **kwargs):
        self.row_fingerprint = None  # changed other than by a file: the next file reads its row whole
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "row_fingerprint"}
        super().save(*args, **kwargs)

    def history(self):
        """Every status we have seen for this organisation, newest first."""
        return self.assessments.order_by(
            models.F("published_on").desc(nulls_last=True), models.F("year_start").desc(nulls_last=True), "-id"
        )

    def records_with_source(self):
        """Every record, each with the file it came from (providers/results/track_record.py reads them).

        Records prefetched with_source() when there are (a provider page, a download), else one query.
        """
        if "assessments" in getattr(self, "_prefetched_objects_cache", {}):
            return self.assessments.all()
        return self.assessments.with_source()


class AssessmentQuerySet(models.QuerySet):
    def with_source(self):
        """Each record with `source_file` and `source_as_of`: the file we first read it from, and its date."""
        return self.annotate(source_file=models.F("first_import__file_name"),
                             source_as_of=models.F("first_import__data_as_of"))


@tracked(in_time_order=True)
class DsptAssessment(models.Model):
    """One published DSPT status for an organisation: its year, status and date."""

    class Status(models.TextChoices):
        EXCEEDED = "exceeded", "Standards Exceeded"
        MET = "met", "Standards Met"
        APPROACHING = "approaching", "Approaching Standards"
        NOT_MET = "not_met", "Standards Not Met"
        NOT_PUBLISHED = "not_published", "Not Published"
        OTHER = "other", "A status we do not recognise"

    organisation = models.ForeignKey(
        DsptOrganisation, on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    year_start = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="First calendar year of the DSPT year: 2024 means 2024-25. Empty for Not Published.",
    )
    published_on = models.DateField(null=True, blank=True)
    status_text = models.CharField(max_length=100, help_text="The status exactly as published.")
    first_seen_at = models.DateTimeField(auto_now_add=True)
    first_import = models.ForeignKey(
        "providers.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-year_start", "-id"]
        verbose_name = "DSPT assessment"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "status", "year_start", "published_on"],
                name="dspt_assessment_unique_record",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.organisation.ods_code}: {self.status_text} ({self.published_on or 'no date'})"

    @property
    def year_label(self) -> str:
        """The DSPT year as people write it, e.g. '2024-25'."""
        if self.year_start is None:
            return ""
        return f"{self.year_start}-{(self.year_start + 1) % 100:02d}"


@tracked(exclude=("search_words", "search_name", "search_town", "search_area", "provider_name", "created_at",
                  "updated_at"), in_time_order=True)
class Location(models.Model):
    """A registered care service (a CQC 'location')."""

    class Category(models.TextChoices):
        CARE_HOME = "care_home", "Care home"
        HOME_CARE = "home_care", "Home care"
        OTHER = "other", "Other care service"

    class DsptMatch(models.TextChoices):
        """How a service's DSPT record was found: the matching ladder, in the order it is tried.

        The words for each are the presenter's (providers/results/presenter.py, MATCHES).
        """

        LOCATION = "location", MATCHES["location"].label
        HEAD_OFFICE = "head_office", MATCHES["head_office"].label
        PROVIDER = "provider", MATCHES["provider"].label
        NAME = "name", MATCHES["name"].label
        # Not a match: its own ODS code is also used by another provider's service, so we
        # cannot tell whose DSPT record that code's is.
        SHARED_CODE = "shared_code", MATCHES["shared_code"].label
        NONE = "", MATCHES[""].label

    cqc_location_id = models.CharField("CQC location ID", max_length=20, unique=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=255)
    brand_name = models.CharField(max_length=255, blank=True)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)

    address_line_1 = models.CharField(max_length=255, blank=True)
    address_line_2 = models.CharField(max_length=255, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(
        max_length=10, blank=True, help_text="Normalised: capitals, one space, e.g. 'L8 1AA'."
    )
    local_authority = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    care_home = models.BooleanField(default=False)
    beds = models.PositiveIntegerField(null=True, blank=True)
    service_types = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    service_user_bands = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    regulated_activities = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    inspection_directorate = models.CharField(max_length=100, blank=True)
    rating = models.CharField(max_length=40, blank=True)
    rating_published_on = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=255, blank=True)
    registered_on = models.DateField(null=True, blank=True)
    dormant = models.BooleanField(default=False)
    deregistered_on = models.DateField(
        null=True, blank=True, help_text="Set when a newer CQC file no longer lists this service."
    )

    dspt_organisation = models.ForeignKey(
        DsptOrganisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
    )
    dspt_match = models.CharField(max_length=20, choices=DsptMatch.choices, default="", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The provider's name, copied here by each CQC import so one index finds a service by it.
    provider_name = models.CharField(max_length=255, blank=True, editable=False)
    # Search keys, kept by PostgreSQL itself (see providers/search/keys.py). Declared as GeneratedFields so Django
    # never writes them and reads them back after a save; in the database a trigger fills them when their words
    # change (migration 0026, docs/adr/0023-search-keys-by-trigger.md), so matching a service does not remake them.
    # Name and brand (weight A), town and area (B), street (C): see providers/search/keys.py.
    search_words = models.GeneratedField(
        expression=SearchWeighted(models.F("name"), models.F("brand_name"), models.F("town"),
                                  models.F("local_authority"), models.F("address_line_1"), models.F("address_line_2"),
                                  models.F("provider_name")),
        output_field=SearchVectorField(), db_persist=True,
    )
    # The service's name as a key: a search for the whole name lists it first.
    search_name = models.GeneratedField(
        expression=SearchText(models.F("name")), output_field=models.TextField(), db_persist=True,
    )
    # The service's town and local authority as keys: a search that names the place lists it first.
    search_town = models.GeneratedField(
        expression=SearchText(models.F("town")), output_field=models.TextField(), db_persist=True,
    )
    search_area = models.GeneratedField(
        expression=SearchText(models.F("local_authority")), output_field=models.TextField(), db_persist=True,
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "care service"
        indexes = [
            GinIndex(name="location_search_words", fields=["search_words"]),
            # A list's line named as a service is (providers/checking/matching.py): one lookup.
            models.Index(name="location_search_name", fields=["search_name"]),
            models.Index(name="location_coordinates", fields=["latitude", "longitude"]),
            # Both "= 'L8 1AA'" and "LIKE 'L8%'" use this one index.
            models.Index(name="location_postcode_prefix", fields=["postcode"], opclasses=["varchar_pattern_ops"]),
            models.Index(name="location_ods_code", fields=["ods_code"]),
            # Area pages look services up by their local authority, whatever its case (in_area).
            models.Index(Upper("local_authority"), name="location_area"),
        ]

    def __str__(self):
        return f"{self.name} ({self.cqc_location_id})"

    @property
    def is_registered(self) -> bool:
        return self.deregistered_on is None

    @property
    def display_name(self) -> str:
        """The name as published, or in title case when the source wrote it all in capitals."""
        return readable_name(self.name)

    @property
    def address_lines(self) -> list[str]:
        parts = [self.address_line_1, self.address_line_2, self.town, self.county, self.postcode]
        return [p for p in parts if p]

    @property
    def current_dspt_assessment(self) -> "DsptAssessment | None":
        organisation = self.dspt_organisation
        return organisation.current_assessment if organisation else None

    def dspt_status(self, today: dt.date | None = None) -> PlainStatus:
        """The plain-English DSPT status of this service on `today` (default: today)."""
        assessment = self.current_dspt_assessment
        return plain_status(
            status=assessment.status if assessment else None,
            year_start=assessment.year_start if assessment else None,
            today=today or timezone.localdate(),
        )

    def dspt_result(self, today: dt.date | None = None) -> Result:
        """Everything true we can say about this service's DSPT record on `today` (see dspt_status.Result)."""
        organisation = self.dspt_organisation
        return result_for(
            assessment=self.current_dspt_assessment, today=today or timezone.localdate(),
            # 'shared_code' has no organisation, but is said on the page: the match is unclear.
            match=self.dspt_match if organisation or self.dspt_match == self.DsptMatch.SHARED_CODE else "",
            publisher=organisation.name if organisation else "",
            dormant=self.dormant, registered=self.is_registered,
        )

    @property
    def cqc_url(self) -> str:
        return f"https://www.cqc.org.uk/location/{self.cqc_location_id}"


class OdsCareHome(models.Model):
    """A care home site or head office from the NHS ODS care home lists (ecarehomesite, ecarehomehq).

    A site's parent is its head office. When a head office publishes one DSPT
    check, it chooses which of its sites it covers, so a site linked through
    its head office "may be covered" (see docs/dspt-status-rule.md).
    """

    class Kind(models.TextChoices):
        SITE = "site", "Care home site"
        HEAD_OFFICE = "head_office", "Head office"

    code = models.CharField("ODS code", max_length=10, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=255)
    postcode = models.CharField(max_length=10, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    parent_code = models.CharField("head office ODS code", max_length=10, blank=True)
    left_parent_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "NHS ODS care home record"
        indexes = [models.Index(name="odscarehome_parent_code", fields=["parent_code"])]

    def __str__(self):
        return f"{self.name} ({self.code})"


@tracked()
class NameMatchCandidate(models.Model):
    """A CQC provider whose name is close to a DSPT organisation's, waiting for an admin.

    Accepting sets the provider's ODS code to the organisation's (so the
    ladder then matches it by code); a rejection is kept, so the same pair is
    never suggested again, whatever is imported later.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted: same organisation"
        REJECTED = "rejected", "Rejected: not the same"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="name_candidates")
    organisation = models.ForeignKey(DsptOrganisation, on_delete=models.CASCADE, related_name="name_candidates")
    similarity = models.FloatField(help_text="How alike the two names are, from 0 to 1.")
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "-similarity", "pk"]
        verbose_name = "name match to review"
        constraints = [models.UniqueConstraint(fields=["provider", "organisation"], name="name_candidate_unique_pair")]

    def __str__(self):
        return f"{self.provider.name} ~ {self.organisation.name} ({self.similarity:.2f})"


# Words kept in capitals when a name written all in capitals is put in title case.
_KEEP_CAPITALS = {"NHS", "CQC", "UK", "LTD", "PLC", "CIC", "LLP", "GP", "ICB", "CCG", "II", "III", "IV"}


def readable_name(name: str) -> str:
    """'SUNNY SIDE CARE HOME' -> 'Sunny Side Care Home'; "ST JOSEPH'S" -> "St Joseph's". Mixed case is kept."""
    if not name or not name.isupper():
        return name

    def word(text: str) -> str:
        if text.upper() in _KEEP_CAPITALS:
            return "Ltd" if text.upper() == "LTD" else text
        return "-".join(part[:1] + part[1:].lower() for part in text.split("-"))

    return " ".join(word(w) for w in name.split(" "))

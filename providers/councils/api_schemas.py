"""The shapes the JSON API returns (django-ninja / pydantic schemas).

They are the contract: the OpenAPI description at /api/v1/openapi.json and
the documentation page at /api/v1/docs/ are generated from them, and every
response is checked against them on its way out.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel
from ninja.params.functions import Path as PathParameter
from pydantic import field_validator

from providers.register.models import DsptAssessment, Location
from providers.results.dspt_status import ALL_STATUSES
from dsptlookup.junk import WORDS_PATTERN
from providers.search.paging import MAX_PAGE
from providers.search.forms import MAX_QUERY_LENGTH

StatusCode = Literal[tuple(status.code for status in ALL_STATUSES)]  # type: ignore[valid-type]
DsptStatus = Literal[tuple(DsptAssessment.Status.values)]  # type: ignore[valid-type]
MatchMethod = Literal[tuple(value for value in Location.DsptMatch.values if value)]  # type: ignore[valid-type]
Category = Literal[tuple(Location.Category.values)]  # type: ignore[valid-type]


MAX_PAGE_SIZE = 100
MAX_CHANGES = 1000  # changes in one page of the change feed


def _code(description: str, example: str):
    """A code in the path: at most 100 characters, none a slash or a control character (the middleware
    answers 404 for those before the API sees them). A code we do not hold, whatever its shape, is a 404."""
    return Annotated[str, PathParameter(description=description, example=example, pattern=CODE_PATTERN,
                                        min_length=1, max_length=MAX_CODE_LENGTH)]


CODE_PATTERN = r"^[^/\x00-\x1f\x7f-\x9f]+$"
MAX_CODE_LENGTH = 100
LocationId = _code("A care service's CQC location ID, e.g. 1-545611283.", "1-545611283")
OdsCode = _code("An ODS code: a care service's own or its provider's, e.g. VLLWV. Any case.", "VLLWV")
ProviderId = _code("A provider's CQC provider ID, e.g. 1-102643002.", "1-102643002")


class Shape(BaseModel):
    """What the API answers: plain pydantic models, checked by pydantic-core (compiled) on the way out.

    django-ninja's Schema reads Django objects through a Python adapter at every field (its DjangoGetter);
    our answers are already dicts (providers/register/shape.py), so a plain model checks them all the same,
    about six times faster (docs/adr/0026-serving-from-the-edge.md). Parameters stay ninja Schemas.
    """


class Error(Shape):
    error: str = Field(description="What was wrong, in plain English.")


class SearchParams(Schema):
    """What a search may ask for."""

    q: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH, pattern=WORDS_PATTERN,
                   description="A care service's name, a town, a street, a postcode (full or partial), "
                               "or a CQC location or provider ID or an ODS code. At least one character that is "
                               "not a space; no control characters but tabs and line breaks (others get 400).",
                   examples=["sunny side", "Leeds", "L8 1AA", "1-545611283"])
    type: Category | Literal[""] | None = Field(
        None, description="Only this type of care service. Empty or left out: every type.", examples=["care_home"])
    status: StatusCode | Literal[""] | None = Field(
        None, description="Only services with this result today. Empty or left out: any result.", examples=["meets"])
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page of results.", examples=[1])
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="How many results a page holds.", examples=[20])

    @field_validator("q", mode="before")
    @classmethod
    def _tidy(cls, value):
        """Spaces collapsed and NUL characters dropped."""
        return " ".join(value.replace("\x00", "").split()) if isinstance(value, str) else value


# What to say when a parameter is refused (api.bad_parameters), by parameter.
PARAMETER_PROBLEMS = {
    "q": "Give 'q': a care service name, a town or a postcode (not only spaces).",
    "type": f"'type' must be one of: {', '.join(Location.Category.values)}.",
    "status": f"'status' must be one of: {', '.join(status.code for status in ALL_STATUSES)}.",
    "page": f"'page' must be a whole number from 1 to {MAX_PAGE}.",
    "page_size": f"'page_size' must be a whole number from 1 to {MAX_PAGE_SIZE}.",
    **{name: f"'{name}' must be 1 to {MAX_CODE_LENGTH} characters, without a slash or a control character."
       for name in ("cqc_location_id", "ods_code", "cqc_provider_id")},
    "cursor": "'cursor' must be a `next_cursor` we gave.",
    "since": "'since' must be a date and time with a time zone, like 2026-07-01T00:00:00Z.",
    "limit": f"'limit' must be a whole number from 1 to {MAX_CHANGES}.",
}


def parameter_problem(error: dict) -> str:
    """One refused parameter (a pydantic error from django-ninja), in words."""
    where = error.get("loc", ())
    name = next((part for part in where if part in PARAMETER_PROBLEMS), where[-1] if where else "")
    if name == "q" and error.get("type") == "string_too_long":
        return f"'q' must be {MAX_QUERY_LENGTH} characters or fewer."
    return PARAMETER_PROBLEMS.get(name, f"'{name}' is not allowed here.")


class Record(Shape):
    """One published DSPT record, as the DSPT published it."""

    dspt_status: DsptStatus | None = Field(description="The DSPT's own status.")
    status_as_published: str | None = Field(description="Exactly as the DSPT file wrote it, e.g. '24/25 Standards Met'.")
    year: str | None = Field(description="DSPT year, e.g. '2024-25'.")
    published_on: str | None = Field(description="The day it was published (YYYY-MM-DD).", json_schema_extra={"format": "date"})


class Organisation(Shape):
    ods_code: str
    name: str


class Dspt(Record):
    """The service's DSPT result today, in plain English, and the record it comes from."""

    status: StatusCode = Field(description="Our plain-English status on today's date (see docs/dspt-status-rule.md).")
    label: str = Field(description="The status in words, e.g. 'Meets the standard'.")
    summary: str = Field(description="What the status means, in a sentence or two.")
    is_current: bool = Field(description="True when the record counts today.")
    counts_until: str | None = Field(description="The last day the current record counts (YYYY-MM-DD).")
    stopped_counting_on: str | None = Field(
        description="For an out-of-date record: the first day it no longer counted (YYYY-MM-DD).")
    when: str | None = Field(description="The dates in words, e.g. 'Published on 1 June 2025.'")
    match_method: MatchMethod | None = Field(
        description="How the record was found: the service's own ODS code (location), its head office in the NHS ODS "
                    "care home list (head_office), its provider's ODS code (provider), or its provider's name (name). "
                    "Only 'location' is the service's own check; the others may cover it. shared_code: its own code "
                    "is also used by another provider's service, so no record is shown.")
    match_label: str = Field(description="How the record was found, in a few words, e.g. 'Its own code'.")
    match_note: str | None = Field(description="What the match means, in plain words.")
    published_by: MatchMethod | None = Field(
        description="Deprecated: the same as match_method, kept for clients written before it. The organisation "
                    "that published the record is `organisation`.", json_schema_extra={"deprecated": True})
    organisation: Organisation | None = Field(description="The DSPT organisation that published the record.")


class Address(Shape):
    lines: list[str]
    town: str
    county: str
    postcode: str


class ProviderSummary(Shape):
    cqc_provider_id: str
    name: str
    url: str = Field(description="The provider's page: every care service it runs. A stable link.")


class Service(Shape):
    """One care service registered with CQC, and its DSPT result."""

    cqc_location_id: str = Field(description="CQC's ID for the service, e.g. '1-545611283'.")
    name: str
    url: str = Field(description="The service's page. A stable link.")
    api_url: str
    badge_url: str = Field(description="A live SVG badge of the status.")
    cqc_url: str
    type: Category = Field(description="The type of care service, as a code.")
    type_label: str = Field(description="The same in words, e.g. 'Care home'.")
    service_types: list[str]
    address: Address
    local_authority: str
    region: str
    latitude: float | None
    longitude: float | None
    phone: str | None = Field(description="The service's phone number, grouped as people write it, "
                                          "e.g. '0151 000 0000'.")
    ods_code: str | None
    registered: bool
    dormant: bool = Field(description="CQC says the service is not providing care at the moment.")
    dormant_note: str | None
    deregistered_on: str | None = Field(description="The day it left CQC's list (YYYY-MM-DD), if it has.")
    provider: ProviderSummary
    dspt: Dspt
    distance_miles: float | None = Field(None, description="Only in a postcode search.")


class DataAsOf(Shape):
    """The date each source published the data we hold (null before the first import)."""

    dspt: str | None
    cqc: str | None


class FromFile(Shape):
    name: str = Field(description="The name of the DSPT file we first read the record from.")
    data_as_of: str | None = Field(description="The date that file describes (YYYY-MM-DD).",
                                   json_schema_extra={"format": "date"})


class PastRecord(Record):
    """One record of a service's results over time."""

    result_then: Literal["exceeds", "meets", "approaching", "not_met", "not_published", "unknown"] = Field(
        description="What the record meant while it counted (see docs/dspt-status-rule.md).")
    result_then_label: str = Field(description="The same in words, e.g. 'Meets the standard'.")
    counted_from: str | None = Field(description="The first day it counted: the day it was published (YYYY-MM-DD).",
                                     json_schema_extra={"format": "date"})
    counted_until: str | None = Field(description="The last day it counted, or counts (YYYY-MM-DD). Null for a "
                                                  "record that never counts (Not Published, a status we do not know).",
                                      json_schema_extra={"format": "date"})
    counts_today: bool = Field(description="True when this record counts today.")
    from_file: FromFile | None = Field(description="The file we first read it from, when we know it.")


class ServiceWithHistory(Service):
    history: list[PastRecord] = Field(description="The service's results over time: every record we hold for the "
                                                  "organisation whose check it shows, newest first.")
    data_as_of: DataAsOf


class PostcodeCentre(Shape):
    label: str
    approximate: bool
    latitude: float
    longitude: float
    radius_miles: int


class SearchResults(Shape):
    query: str
    query_used: str | None = Field(None, description="The words searched for, when a long query was shortened "
                                                     "(at most 8 words and 80 characters are used).")
    postcode: PostcodeCentre | None
    unknown_postcode: str | None
    count: int = Field(ge=0)
    page: int = Field(ge=1)
    pages: int = Field(ge=0)
    next: str | None
    previous: str | None
    results: list[Service]
    data_as_of: DataAsOf


class OdsResults(Shape):
    ods_code: str
    count: int
    results: list[Service]
    data_as_of: DataAsOf


class PagedParams(Schema):
    """Which page of a list."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page of the provider's services.", examples=[1])
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="How many services a page holds.", examples=[20])


class Publication(Shape):
    """A DSPT record that covers some of a provider's services, and how we found it."""

    organisation: Organisation | None = Field(description="The DSPT organisation that published it; null for "
                                                          "services with no record found.")
    match_method: MatchMethod | None
    match_label: str
    services: int = Field(ge=0, description="How many of the provider's registered services it covers.")


class ProviderDetail(Shape):
    """A provider (the company or charity that runs care services) and how its registered services are doing."""

    cqc_provider_id: str = Field(description="CQC's ID for the provider, e.g. '1-101641521'.")
    name: str
    url: str = Field(description="The provider's page. A stable link.")
    api_url: str
    address: Address
    phone: str | None
    website: str | None
    registered_services: int = Field(ge=0, description="How many registered care services it runs.")
    with_current_check: int = Field(ge=0, description="How many of them have a DSPT record that counts today.")
    by_result: dict[StatusCode, int] = Field(description="How many of them have each result today.")
    publications: list[Publication]
    count: int = Field(ge=0, description="How many services the list below holds, over all its pages.")
    page: int = Field(ge=1)
    pages: int = Field(ge=0)
    next: str | None
    previous: str | None
    results: list[Service] = Field(description="A page of its registered services, by name.")
    data_as_of: DataAsOf


# --- The change feed (/api/v1/changes, providers/history/changes.py) ---------------------------------

CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,300}$"
SINCE_PATTERN = (r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]"
                 r"(\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])$")  # days to the 28th: a date that is real
ChangeKind = Literal["registered", "closed", "registered_again", "dormant", "active_again", "renamed", "moved",
                     "dspt_record", "removed", "result", "stopped_counting"]


class ChangesParams(Schema):
    """Where to start reading, and how much."""

    cursor: str | None = Field(None, pattern=CURSOR_PATTERN, max_length=300,
                               description="The `next_cursor` of the page before: only changes after it. Left out: "
                                           "from the oldest change we keep (or from `since`).")
    since: str | None = Field(None, pattern=SINCE_PATTERN, json_schema_extra={"format": "date-time"},
                              description="With no cursor: start from this moment (ISO 8601 with a time zone, e.g. "
                                          "2026-07-01T00:00:00Z).")
    limit: int = Field(100, ge=1, le=MAX_CHANGES, description="At most this many changes.", examples=[100])

    @field_validator("since")
    @classmethod
    def _a_real_moment(cls, value):
        if value is not None:
            dt.datetime.fromisoformat(value)  # a ValueError (month 13, say) is a 400
        return value

    @property
    def since_moment(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.since) if self.since else None


class ServiceReference(Shape):
    cqc_location_id: str
    name: str = Field(description="Its name now.")
    url: str = Field(description="Its page.")
    api_url: str = Field(description="Its record in this API.")


class Why(Shape):
    source: str = Field(description="import (a CQC or DSPT file), undo (an import undone), correction (by the "
                                    "people who run DSPT Lookup), rule (a result's date passed), command, worker, "
                                    "migration or unknown.")
    file: str | None = Field(None, description="For an import: the file's name.")
    import_run: int | None = Field(None, description="For an import: its number in our records.")
    note: str | None = None


class ChangeOut(Shape):
    id: str = Field(description="This change's place in the feed: a cursor that starts just after it.")
    at: str = Field(description="When it was recorded (ISO 8601, UTC).", json_schema_extra={"format": "date-time"})
    kind: ChangeKind = Field(description="What changed.")
    summary: str = Field(description="The change in one plain sentence.")
    service: ServiceReference
    was: dict | None = Field(description="What it was, for the fields that changed (null for something new).")
    now: dict | None = Field(description="What it is now, for the fields that changed.")
    why: Why


class ChangesPage(Shape):
    changes: list[ChangeOut]
    next_cursor: str = Field(description="Keep this, and send it back as `cursor` for what came after.")
    next: str = Field(description="The address to ask next.")
    more: bool = Field(description="True: more changes are ready, ask `next` at once. False: none for now; ask "
                                   "again later (an hour, or a day).")
    settled_until: str = Field(description="Changes recorded before this moment are all here; later ones come "
                                           "next time.", json_schema_extra={"format": "date-time"})

"""A care service as data: the one shape the API, the downloads and the feeds give.

`care_service(location, today=..., base_url=...)` is a dict nested as the
API documents it (providers/councils/api_schemas.py, `Service`). The CSV
and spreadsheet downloads flatten the same dict through `COLUMNS`, each
column named by its path in it ("dspt.label"), so a field has one name and
one meaning in every output; /download/ and the OpenAPI describe them.

Fields that were once said two ways, decided here:
- `type` is the kind of service as a code (care_home, home_care, other);
  `type_label` is the same in words.
- `dspt.organisation` is the DSPT organisation that published the record (its
  ODS code and name); `dspt.match_method` says how we found it (location,
  head_office, provider, name, shared_code), `dspt.match_label` in a few
  words and `dspt.match_note` in a sentence.
- `dspt.published_by` is the same as `match_method`, kept for API clients
  written before it; downloads do not carry it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.urls import reverse

from providers.register.phones import phone_display
from providers.results import presenter, track_record
from providers.results.dspt_status import BY_CODE


def care_service(location, *, today: dt.date, base_url: str, history: bool = False) -> dict:
    """One care service (a Location fetched with_dspt_status()) and its DSPT result on `today`.

    base_url: the site's address without a trailing slash, for the links.
    history: add its results over time: every DSPT record we hold for the organisation whose check it
    shows, newest first (past_record()).
    """
    result = location.dspt_result(today)
    organisation = location.dspt_organisation
    data = {
        "cqc_location_id": location.cqc_location_id,
        "name": location.name,
        "url": base_url + address("service", location.cqc_location_id),
        "api_url": base_url + address("api_service", location.cqc_location_id),
        "badge_url": base_url + address("badge", location.cqc_location_id),
        "cqc_url": location.cqc_url,
        "type": location.category,
        "type_label": location.get_category_display(),
        "service_types": list(location.service_types),
        "address": {"lines": [p for p in (location.address_line_1, location.address_line_2) if p],
                    "town": location.town, "county": location.county, "postcode": location.postcode},
        "local_authority": location.local_authority,
        "region": location.region,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "phone": phone_display(location.phone) or None,
        "ods_code": location.ods_code or None,
        "registered": location.is_registered,
        "dormant": location.dormant,
        "dormant_note": presenter.DORMANT_SENTENCE if location.dormant else None,
        "deregistered_on": _date(location.deregistered_on),
        "provider": {"cqc_provider_id": location.provider.cqc_provider_id, "name": location.provider.name,
                     "url": base_url + address("provider", location.provider.cqc_provider_id)},
        "dspt": _dspt(result, location.current_dspt_assessment, organisation),
    }
    if getattr(location, "distance", None) is not None:
        data["distance_miles"] = round(location.distance, 2)
    if history:
        data["history"] = [past_record(record) for record in track_record.track_record(organisation, today=today)]
    return data


@functools.cache
def _address_around(name: str) -> tuple[str, str]:
    before, _, after = reverse(name, args=[_SLOT]).partition(_SLOT)
    return before, after


_SLOT = "0SLOT0"


def address(name: str, code: str) -> str:
    """reverse(name, args=[code]), worked out once per name: a national download asks it 100,000 times.

    (CQC IDs and ODS codes are letters, digits and hyphens, which need no escaping in a path.)
    """
    before, after = _address_around(name)
    return f"{before}{code}{after}"


def _dspt(result, assessment, organisation) -> dict:
    status = result.status
    match = result.match or None
    return {
        "status": status.code,
        "label": status.label,
        "summary": status.summary,
        "is_current": status.is_current,
        **dspt_record(assessment),
        "counts_until": _date(result.counts_until),
        "stopped_counting_on": _date(result.stopped_counting_on),
        "when": presenter.dates_sentence(result) or None,
        "match_method": match,
        "match_label": presenter.match_words(result.match).label,
        "match_note": presenter.match_sentence(result) or None,
        "published_by": match,
        "organisation": {"ods_code": organisation.ods_code, "name": organisation.name} if organisation else None,
    }


def provider(provider, *, today: dt.date, base_url: str, services) -> dict:
    """A provider (the organisation that runs care services) and how its registered services are doing.

    services: its registered services (a Location QuerySet), for the counts
    and the DSPT records that cover them.
    """
    statuses = services.status_counts(today)
    current = sum(count for code, count in statuses.items() if BY_CODE[code].is_current)
    return {
        "cqc_provider_id": provider.cqc_provider_id,
        "name": provider.name,
        "url": base_url + reverse("provider", args=[provider.cqc_provider_id]),
        "api_url": base_url + reverse("api_provider", args=[provider.cqc_provider_id]),
        "address": {"lines": [p for p in (provider.address_line_1, provider.address_line_2) if p],
                    "town": provider.town, "county": provider.county, "postcode": provider.postcode},
        "phone": phone_display(provider.phone) or None,
        "website": provider.website or None,
        "registered_services": sum(statuses.values()),
        "with_current_check": current,
        "by_result": statuses,
        "publications": [
            {"organisation": ({"ods_code": row["dspt_organisation__ods_code"], "name": row["dspt_organisation__name"]}
                              if row["dspt_organisation__ods_code"] else None),
             "match_method": row["dspt_match"] or None,
             "match_label": presenter.match_words(row["dspt_match"]).label,
             "services": row["services"]}
            for row in services.publications()],
    }


def dspt_record(assessment) -> dict:
    """One published DSPT record, as the DSPT published it, with its year and date."""
    return {
        "dspt_status": assessment.status if assessment else None,
        "status_as_published": assessment.status_text if assessment else None,
        "year": (assessment.year_label or None) if assessment else None,
        "published_on": _date(assessment.published_on) if assessment else None,
    }


def past_record(record: track_record.PastResult) -> dict:
    """One record of a service's results over time: as published, what it meant, when it counted, and its file."""
    return {
        "dspt_status": record.status,
        "status_as_published": record.status_text,
        "year": record.year_label or None,
        "published_on": _date(record.published_on),
        "result_then": record.code,
        "result_then_label": record.label,
        "counted_from": _date(record.counted_from),
        "counted_until": _date(record.counted_until),
        "counts_today": record.counts_today,
        "from_file": {"name": record.file_name, "data_as_of": _date(record.file_as_of)} if record.file_name else None,
    }


def records_in_words(records: list[dict]) -> str:
    """A service's results over time in one cell: '2024-25 Standards Met, published 2025-03-03; ...'."""
    return "; ".join(
        ", ".join(part for part in (
            " ".join(p for p in (record["year"], record["status_as_published"]) if p),
            f"published {record['published_on']}" if record["published_on"] else "",
            f"counted until {record['counted_until']}" if record["counted_until"] else "") if part)
        for record in records)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# --- The same, flat: one column a field, for CSV and spreadsheets ------------------------


@dataclass(frozen=True)
class Column:
    """One download column: the field's path in care_service(), its heading, and what it holds."""

    path: str  # "dspt.label"
    heading: str
    meaning: str
    kind: str = "text"  # text, date or code (a spreadsheet keeps a code as text, leading zeros and all)
    width: int = 24  # characters, for a spreadsheet's column

    def value(self, service: dict):
        """The field's value in one care_service() dict: a list joined, a yes-or-no in words."""
        value = service
        for part in self.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return records_in_words(value)
        if isinstance(value, list):
            return ", ".join(value)
        return value


COLUMNS = [
    Column("cqc_location_id", "CQC location ID", "The care service's ID in CQC's register, like 1-545611283.", "code",
           width=16),
    Column("name", "Name", "The care service's name.", width=40),
    Column("provider.name", "Provider", "The company or charity that runs it.", width=36),
    Column("provider.cqc_provider_id", "CQC provider ID", "The provider's ID in CQC's register, like 1-101641521.",
           "code", width=16),
    Column("provider.url", "Provider page", "The provider's page on this website: every care service it runs.",
           width=48),
    Column("address.lines", "Address", "Street and area, without the town and postcode.", width=36),
    Column("address.town", "Town", "The town or city.", width=18),
    Column("address.postcode", "Postcode", "The postcode.", "code", width=10),
    Column("local_authority", "Local authority", "The council area it is in."),
    Column("region", "Region", "The region of England."),
    Column("phone", "Phone", "The service's phone number, grouped as people write it, like 0151 000 0000.", "code",
           width=16),
    Column("type_label", "Type of service", "Care home, home care, or another kind of care service."),
    Column("dspt.label", "DSPT result", "The result in plain words, on the day of the download."),
    Column("dspt.status_as_published", "DSPT result as published", "The DSPT's own words, like '24/25 Standards Met'."),
    Column("dspt.year", "DSPT year", "The DSPT year the result is for, like 2024-25.", "code", width=10),
    Column("dspt.published_on", "Date published", "The day the result was published.", "date", width=14),
    Column("dspt.counts_until", "Counts until",
           "The last day the result counts as current. Blank when it does not count now.", "date", width=14),
    Column("dspt.organisation.name", "DSPT record published by",
           "The organisation whose DSPT record this is: the service, its head office or its provider."),
    Column("dspt.organisation.ods_code", "ODS code of the DSPT record",
           "The NHS ODS code the record was published under.", "code", width=14),
    Column("dspt.match_label", "How the record was found",
           "Whether the record is the service's own, or its head office's or its provider's (which may cover it)."),
    Column("dormant", "Not providing care now", "Yes when CQC lists the service as dormant (not providing care).",
           width=12),
    Column("url", "Page", "The service's page on this website. A stable link.", width=48),
    Column("history", "DSPT results over time",
           "Every DSPT result we hold for the record used, newest first: its year, its words as published, the day "
           "it was published and the last day it counted.", width=60),
]

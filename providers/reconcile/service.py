"""A reconciliation service (W3C Entity Reconciliation API 0.2), as OpenRefine speaks it: the answers, as data.

    manifest(base)                       what the service offers, and where
    reconcile(batch, today=..., base=...) {"q0": {"result": [candidates]}} for {"q0": {"query": ..., ...}}
    suggest_entities / _properties / _types(prefix, cursor)
    proposed_properties(type, limit), extend(query, today=..., base=...)

Entities are care services, identified by their CQC location ID: the identifier space is CQC's own location
addresses, so a column reconciled here means the same as one reconciled against any CQC-based service.
Candidates and scores come from the list check's matching (providers/checking/matching.py): one rule for
both. Properties to fetch are the download's columns (providers/register/shape.py, COLUMNS): one shape.
Bad input raises Invalid, with what to fix in words (the view answers 400).
"""

from __future__ import annotations

import datetime as dt

from providers.checking.matching import Described, find_many, tidy_code
from providers.register.models import Location
from providers.register.shape import COLUMNS, care_service
from providers.search.finder import CQC_ID, find_services

IDENTIFIER_SPACE = "https://www.cqc.org.uk/location/"
SCHEMA_SPACE = "https://www.cqc.org.uk/location"
SERVICE_TYPE = {"id": "care_service", "name": "Care service (a CQC location)"}
TYPES = [SERVICE_TYPE] + [{"id": value, "name": label, "broader": [SERVICE_TYPE]}
                          for value, label in Location.Category.choices]
TYPE_IDS = {t["id"] for t in TYPES}
# Properties a query may give, to narrow and score the candidates.
QUERY_PROPERTIES = [
    {"id": "postcode", "name": "Postcode", "description": "The care service's postcode, like L8 1AA."},
    {"id": "town", "name": "Town or city", "description": "The town, city or council area it is in."},
    {"id": "cqc_location_id", "name": "CQC location ID", "description": "Its ID in CQC's register: the surest."},
    {"id": "ods_code", "name": "ODS code", "description": "Its NHS ODS code, like VLLWV."},
]
BY_COLUMN = {column.path: column for column in COLUMNS}
MAX_BATCH = 200  # queries in one batch (the manifest's batchSize)
MAX_LIMIT = 25  # candidates for one query
DEFAULT_LIMIT = 5
LOWEST_SCORE = 20  # candidates scoring less are not worth showing
SUGGESTIONS = 10
MAX_IDS = 500  # entities in one data extension query


class Invalid(ValueError):
    """A request the API cannot answer: the message says what to fix."""


def manifest(base: str) -> dict:
    """The service manifest, answered to a GET of /reconcile with no parameters."""
    return {
        "versions": ["0.2"],
        "name": "DSPT Lookup: care services in England and their DSPT results",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "documentation": f"{base}/for-councils/#openrefine",
        "serviceVersion": "1",
        "batchSize": MAX_BATCH,
        "view": {"url": f"{base}/services/{{{{id}}}}/"},
        "defaultTypes": [SERVICE_TYPE],
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 160},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/reconcile/suggest/entity"},
            "property": {"service_url": base, "service_path": "/reconcile/suggest/property"},
            "type": {"service_url": base, "service_path": "/reconcile/suggest/type"},
        },
        "extend": {"propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
                   "property_settings": []},
    }


# --- Reconciliation queries ----------------------------------------------------------------


def reconcile(batch, *, today: dt.date) -> dict:
    """{query id: {"result": candidates, best first}} for a batch of queries, matched together."""
    if not isinstance(batch, dict) or not batch:
        raise Invalid("'queries' must be a JSON object of queries, like {\"q0\": {\"query\": \"Sunny Side\"}}.")
    if len(batch) > MAX_BATCH:
        raise Invalid(f"Send at most {MAX_BATCH} queries at a time.")
    asked = {key: _query(key, query) for key, query in batch.items()}
    found = find_many([described for described, _, _ in asked.values()])
    return {key: {"result": _results(result, kinds, limit, today)}
            for (key, (_, kinds, limit)), result in zip(asked.items(), found)}


def _query(key: str, query) -> tuple[Described, set[str], int]:
    """What one query says of a care service, the kinds of service it asks for, and how many candidates."""
    if not isinstance(query, dict):
        raise Invalid(f"Query {key!r} must be an object, like {{\"query\": \"Sunny Side\"}}.")
    unknown = set(query) - {"query", "type", "limit", "properties", "type_strict"}
    if unknown:
        raise Invalid(f"Query {key!r} has fields the API does not know: {', '.join(sorted(unknown))}.")
    text = _text(query.get("query", ""), f"query {key!r}")
    properties = _properties(key, query.get("properties", []))
    if not text and not properties:
        raise Invalid(f"Query {key!r} needs a 'query' or some 'properties'.")
    limit = query.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 1:
        raise Invalid(f"Query {key!r}: 'limit' must be a whole number above 0.")
    kinds = _types(key, query.get("type"))
    code = text.strip().upper()
    return (Described(name=text if not CQC_ID.match(code) else "",
                      location_id=properties.get("cqc_location_id") or (code if CQC_ID.match(code) else ""),
                      ods_code=properties.get("ods_code", ""), postcode=properties.get("postcode", ""),
                      town=properties.get("town", "")),
            kinds, min(int(limit), MAX_LIMIT))


def _properties(key: str, properties) -> dict[str, str]:
    if not isinstance(properties, list):
        raise Invalid(f"Query {key!r}: 'properties' must be a list of {{\"pid\": ..., \"v\": ...}}.")
    given = {}
    for item in properties:
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise Invalid(f"Query {key!r}: each property needs a 'pid' and a 'v'.")
        pid = item["pid"]
        if pid == "type":  # a column of kinds of service, sent as a property
            continue
        if pid not in {p["id"] for p in QUERY_PROPERTIES}:
            raise Invalid(f"Query {key!r}: unknown property {pid!r}. Use one of: postcode, town, cqc_location_id, "
                          "ods_code.")
        value = item["v"][0] if isinstance(item["v"], list) and item["v"] else item["v"]
        if isinstance(value, dict):
            value = value.get("id", "")
        given[pid] = _text(value if not isinstance(value, bool) else "", f"property {pid!r}")
    return given


def _types(key: str, kinds) -> set[str]:
    """The kinds of service asked for (care_home, home_care, other); empty for any."""
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        raise Invalid(f"Query {key!r}: 'type' must be a type's id or a list of them.")
    unknown = set(kinds) - TYPE_IDS
    if unknown:
        raise Invalid(f"Query {key!r}: unknown type {sorted(unknown)[0]!r}. Use one of: {', '.join(sorted(TYPE_IDS))}.")
    return set(kinds) - {SERVICE_TYPE["id"]}


def _text(value, what: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise Invalid(f"The {what} must be text.")
    if len(value) > 300:
        raise Invalid(f"The {what} is too long: use at most 300 characters.")
    return value.replace("\x00", "")


def _results(result, kinds: set[str], limit: int, today: dt.date) -> list[dict]:
    candidates = [c for c in result.considered if c.score >= LOWEST_SCORE
                  and (not kinds or c.location.category in kinds)]
    matched = result.location
    return [candidate_json(c.location, score=c.score, today=today, match=c.location == matched,
                           features=[{"id": "name", "value": round(c.name_score, 3)},
                                     {"id": "same_postcode", "value": c.same_postcode},
                                     {"id": "same_town", "value": c.same_town}])
            for c in candidates[:limit]]


def candidate_json(location: Location, *, score: int, today: dt.date, match: bool, features: list) -> dict:
    return {"id": location.cqc_location_id, "name": location.name, "description": describe(location, today),
            "score": score, "match": match, "features": features,
            "type": [{"id": location.category, "name": location.get_category_display()}]}


def describe(location: Location, today: dt.date) -> str:
    """'Care home, 12 Ullet Road, Liverpool, L8 1AA. DSPT: Meets the standard.'"""
    place = ", ".join(part for part in (location.address_line_1, location.town, location.postcode) if part)
    status = "no longer registered with CQC" if location.deregistered_on else location.dspt_result(today).status.label
    return f"{location.get_category_display()}, {place}. DSPT: {status}."


# --- Suggest services ----------------------------------------------------------------------


def suggest_entities(prefix: str, cursor: int, *, today: dt.date) -> dict:
    """Care services whose name, town or code starts like `prefix`, as the site's search finds them."""
    prefix = _text(prefix, "prefix").strip()
    if not prefix:
        return {"result": []}
    services = find_services(query=prefix, today=today).services.with_dspt_status()
    page = list(services[cursor:cursor + SUGGESTIONS])
    return {"result": [{"id": s.cqc_location_id, "name": s.name, "description": describe(s, today),
                        "notable": [{"id": s.category, "name": s.get_category_display()}]} for s in page]}


def suggest_properties(prefix: str, cursor: int) -> dict:
    everything = QUERY_PROPERTIES + proposed_properties(SERVICE_TYPE["id"], None)["properties"]
    return {"result": _starting(everything, prefix)[cursor:cursor + SUGGESTIONS]}


def suggest_types(prefix: str, cursor: int) -> dict:
    return {"result": _starting(TYPES, prefix)[cursor:cursor + SUGGESTIONS]}


def _starting(items: list[dict], prefix: str) -> list[dict]:
    """Items whose name or id has a word starting with the prefix (all of them for no prefix)."""
    prefix = _text(prefix, "prefix").strip().casefold()
    return [item for item in items if not prefix or any(word.startswith(prefix) for word in
                                                          f"{item['name']} {item['id']}".casefold().split())]


# --- Data extension ------------------------------------------------------------------------


def proposed_properties(kind: str, limit: int | None) -> dict:
    """Every column of the downloads, for any kind of care service."""
    if kind not in TYPE_IDS:
        raise Invalid(f"Unknown type {kind!r}. Use one of: {', '.join(sorted(TYPE_IDS))}.")
    properties = [{"id": column.path, "name": column.heading, "description": column.meaning} for column in COLUMNS]
    answer = {"type": kind, "properties": properties[:limit] if limit else properties}
    if limit:
        answer["limit"] = limit
    return answer


def extend(query, *, today: dt.date, base: str) -> dict:
    """The asked-for columns of each asked-for care service, from its one shape."""
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) or not isinstance(
            query.get("properties"), list):
        raise Invalid("'extend' must be a JSON object with 'ids' (a list of CQC location IDs) and 'properties' "
                      "(a list of {\"id\": ...}).")
    ids = [_text(i, "id") for i in query["ids"]]
    if len(ids) > MAX_IDS:
        raise Invalid(f"Ask for at most {MAX_IDS} care services at a time.")
    wanted = [p.get("id") if isinstance(p, dict) else None for p in query["properties"]]
    unknown = [p for p in wanted if p not in BY_COLUMN]
    if unknown:
        raise Invalid(f"Unknown property {unknown[0]!r}. Ask /reconcile/properties?type=care_service for the list.")
    services = {s.cqc_location_id: care_service(s, today=today, base_url=base)
                for s in Location.objects.with_dspt_status().filter(cqc_location_id__in={tidy_code(i) for i in ids})}
    rows = {}
    for asked in ids:
        service = services.get(tidy_code(asked))
        rows[asked] = {pid: _values(BY_COLUMN[pid], service) for pid in wanted}
    return {"meta": [{"id": pid, "name": BY_COLUMN[pid].heading} for pid in wanted], "rows": rows}


def _values(column, service: dict | None) -> list[dict]:
    value = column.value(service) if service else None
    if value in (None, ""):
        return []
    if column.kind == "date":
        return [{"date": f"{value}T00:00:00Z"}]
    return [{"str": str(value)}]

"""The OpenAPI 3.1 description of the JSON API (served at /api/v1/openapi.json).

Its schemas are the contract: tests/test_api.py checks every response against them.
"""

from providers.dspt_status import ALL_STATUSES
from providers.models import DsptAssessment, Location

STATUS_CODES = [status.code for status in ALL_STATUSES]
DSPT_STATUSES = list(DsptAssessment.Status.values)
MATCH_METHODS = [value for value in Location.DsptMatch.values if value]
NULLABLE_STRING = {"type": ["string", "null"]}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {"type": "string", "description": "What was wrong, in plain English."}},
    },
    "Record": {
        "type": "object",
        "required": ["dspt_status", "status_as_published", "year", "published_on"],
        "properties": {
            "dspt_status": {"type": ["string", "null"], "enum": DSPT_STATUSES + [None],
                            "description": "The DSPT's own status."},
            "status_as_published": {**NULLABLE_STRING, "description": "Exactly as the DSPT file wrote it, e.g. '24/25 Standards Met'."},
            "year": {**NULLABLE_STRING, "description": "DSPT year, e.g. '2024-25'."},
            "published_on": DATE_OR_NULL,
        },
    },
    "Dspt": {
        "allOf": [{"$ref": "#/components/schemas/Record"}],
        "type": "object",
        "required": ["status", "label", "summary", "is_current", "counts_until", "published_by", "organisation"],
        "properties": {
            "status": {"type": "string", "enum": STATUS_CODES,
                       "description": "Our plain-English status on today's date (see docs/dspt-status-rule.md)."},
            "label": {"type": "string"},
            "summary": {"type": "string"},
            "is_current": {"type": "boolean"},
            "counts_until": {**DATE_OR_NULL, "description": "The last day the current record counts."},
            "stopped_counting_on": {**DATE_OR_NULL, "description": "For an out-of-date record: the first day it no longer counted."},
            "when": {**NULLABLE_STRING, "description": "The dates in words, e.g. 'Published on 1 June 2025. Stopped counting on 1 July 2026.'"},
            "published_by": {"type": ["string", "null"], "enum": MATCH_METHODS + [None],
                             "description": "The same as match_method (kept for older clients)."},
            "match_method": {"type": ["string", "null"], "enum": MATCH_METHODS + [None],
                             "description": "How the record was found: the service's own ODS code (location), its head "
                                            "office in the NHS ODS care home list (head_office), its provider's ODS code "
                                            "(provider), or its provider's name (name). Only 'location' is the "
                                            "service's own check; the others may cover it."},
            "match_note": {**NULLABLE_STRING, "description": "What the match means, in plain words."},
            "organisation": {
                "type": ["object", "null"], "required": ["ods_code", "name"],
                "properties": {"ods_code": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
    "Service": {
        "type": "object",
        "required": ["cqc_location_id", "name", "url", "api_url", "badge_url", "cqc_url", "type", "type_label",
                     "service_types", "address", "local_authority", "region", "latitude", "longitude", "ods_code",
                     "registered", "deregistered_on", "provider", "dspt"],
        "properties": {
            "cqc_location_id": {"type": "string", "examples": ["1-545611283"]},
            "name": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "The service's page. A stable link."},
            "api_url": {"type": "string", "format": "uri"},
            "badge_url": {"type": "string", "format": "uri", "description": "A live SVG badge of the status."},
            "cqc_url": {"type": "string", "format": "uri"},
            "type": {"type": "string", "enum": list(Location.Category.values)},
            "type_label": {"type": "string"},
            "service_types": {"type": "array", "items": {"type": "string"}},
            "address": {
                "type": "object", "required": ["lines", "town", "county", "postcode"],
                "properties": {"lines": {"type": "array", "items": {"type": "string"}}, "town": {"type": "string"},
                               "county": {"type": "string"}, "postcode": {"type": "string"}},
            },
            "local_authority": {"type": "string"},
            "region": {"type": "string"},
            "latitude": {"type": ["number", "null"]},
            "longitude": {"type": ["number", "null"]},
            "ods_code": NULLABLE_STRING,
            "registered": {"type": "boolean"},
            "dormant": {"type": "boolean", "description": "CQC says the service is not providing care at the moment."},
            "dormant_note": NULLABLE_STRING,
            "deregistered_on": DATE_OR_NULL,
            "provider": {
                "type": "object", "required": ["cqc_provider_id", "name"],
                "properties": {"cqc_provider_id": {"type": "string"}, "name": {"type": "string"}},
            },
            "dspt": {"$ref": "#/components/schemas/Dspt"},
            "distance_miles": {"type": "number", "description": "Only in a postcode search."},
        },
    },
    "DataAsOf": {
        "type": "object", "required": ["dspt", "cqc"],
        "description": "The date each source published the data we hold (null before the first import).",
        "properties": {"dspt": DATE_OR_NULL, "cqc": DATE_OR_NULL},
    },
    "ServiceWithHistory": {
        "allOf": [{"$ref": "#/components/schemas/Service"}],
        "type": "object", "required": ["history", "data_as_of"],
        "properties": {"history": {"type": "array", "items": {"$ref": "#/components/schemas/Record"},
                                   "description": "Every record we have seen, newest first."},
                       "data_as_of": {"$ref": "#/components/schemas/DataAsOf"}},
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "postcode", "unknown_postcode", "count", "page", "pages", "next", "previous", "results",
                     "data_as_of"],
        "properties": {
            "query": {"type": "string"},
            "query_used": {**NULLABLE_STRING, "description": "The words searched for, when a long query was shortened "
                                                               "(at most 8 words and 80 characters are used)."},
            "postcode": {
                "type": ["object", "null"],
                "required": ["label", "approximate", "latitude", "longitude", "radius_miles"],
                "properties": {"label": {"type": "string"}, "approximate": {"type": "boolean"},
                               "latitude": {"type": "number"}, "longitude": {"type": "number"},
                               "radius_miles": {"type": "integer"}},
            },
            "unknown_postcode": NULLABLE_STRING,
            "count": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
            "data_as_of": {"$ref": "#/components/schemas/DataAsOf"},
        },
    },
    "OdsResults": {
        "type": "object", "required": ["ods_code", "count", "results", "data_as_of"],
        "properties": {"ods_code": {"type": "string"}, "count": {"type": "integer"},
                       "results": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
                       "data_as_of": {"$ref": "#/components/schemas/DataAsOf"}},
    },
}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def openapi_document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "DSPT Lookup API",
            "version": "1.0.0",
            "description": "Read-only. Find care services in England and their Data Security and Protection "
                           "Toolkit (DSPT) status in plain English. Open to every origin (CORS); no key needed.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/api/v1/services": {
                "get": {
                    "operationId": "searchServices",
                    "summary": "Search by name, town or postcode",
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200},
                         "description": "A care service or provider name, a town, or a postcode (full or partial)."},
                        {"name": "type", "in": "query", "schema": {"type": "string", "enum": list(Location.Category.values)}},
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": STATUS_CODES}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                        {"name": "page_size", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                    ],
                    "responses": {"200": _json("SearchResults", "Matching services, best or nearest first."),
                                  "400": _json("Error", "A parameter is missing or not allowed.")},
                }
            },
            "/api/v1/services/{cqc_location_id}": {
                "get": {
                    "operationId": "getService",
                    "summary": "One care service, with its DSPT history",
                    "parameters": [{"name": "cqc_location_id", "in": "path", "required": True,
                                    "schema": {"type": "string"}}],
                    "responses": {"200": _json("ServiceWithHistory", "The care service."),
                                  "404": _json("Error", "No care service has this ID.")},
                }
            },
            "/api/v1/ods/{ods_code}": {
                "get": {
                    "operationId": "getByOdsCode",
                    "summary": "Care services with this ODS code (their own or their provider's)",
                    "parameters": [{"name": "ods_code", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json("OdsResults", "The care services."),
                                  "404": _json("Error", "No care service has this ODS code.")},
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }

"""/api/v1/docs/: the API's documentation as a plain page, made on the server from the generated OpenAPI.

No script and no CDN: the page reads the same OpenAPI document that
/api/v1/openapi.json serves, so it cannot drift from what the API does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render

from providers.councils.api import openapi_document


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    responses: list[tuple[str, str, str]]  # (status, description, schema name)
    example: str


def docs(request):
    """The API documentation page."""
    document = openapi_document(request.build_absolute_uri("/"))
    schemas = document.get("components", {}).get("schemas", {})
    base = request.build_absolute_uri("/").rstrip("/")
    operations = [_operation(method, path, spec, base) for path, methods in document["paths"].items()
                  for method, spec in methods.items()]
    models = [(name, schema.get("description", ""), _fields(schema, schemas)) for name, schema in schemas.items()]
    return render(request, "councils/api_docs.html", {"info": document["info"], "operations": operations,
                                                   "models": models, "base": base})


EXAMPLES = {"searchServices": "/api/v1/services?q=sunny+side", "getService": "/api/v1/services/1-545611283",
            "getByOdsCode": "/api/v1/ods/VLLWV", "listChanges": "/api/v1/changes?limit=20"}


def _operation(method: str, path: str, spec: dict, base: str) -> Operation:
    parameters = [Field(p["name"], f"{p['in']}, {_kind(p.get('schema', {}))}", p.get("required", False),
                        p.get("description", "") or p.get("schema", {}).get("description", ""))
                  for p in spec.get("parameters", [])]
    responses = [(status, answer.get("description", ""), _schema_name(answer)) for status, answer in spec["responses"].items()]
    example = EXAMPLES.get(spec.get("operationId", ""), "")
    return Operation(method.upper(), path, spec.get("summary", ""), spec.get("description", ""), parameters, responses,
                     base + example if example else "")


def _schema_name(answer: dict) -> str:
    ref = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1]


def _fields(schema: dict, schemas: dict) -> list[Field]:
    required = set(schema.get("required", []))
    return [Field(name, _kind(spec), name in required, spec.get("description", ""))
            for name, spec in schema.get("properties", {}).items()]


def _kind(spec: dict) -> str:
    """A field's type in words: 'text', 'whole number', 'list of Service', 'text or null', 'one of: a, b'."""
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " or ".join(_kind(option) for option in spec["anyOf"])
    if "enum" in spec:
        return "one of: " + ", ".join(str(value) for value in spec["enum"])
    if spec.get("type") == "array":
        return "list of " + _kind(spec.get("items", {}))
    words = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false",
             "null": "null", "object": "object"}
    kind = words.get(spec.get("type", ""), spec.get("type", "any"))
    if spec.get("format") == "date":
        return f"{kind} (a date, YYYY-MM-DD)"
    if "minimum" in spec and "maximum" in spec:
        return f"{kind} from {spec['minimum']} to {spec['maximum']}"
    if "maxLength" in spec:
        return f"{kind}, {spec.get('minLength', 0)} to {spec['maxLength']} characters"
    return kind

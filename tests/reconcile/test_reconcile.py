"""/reconcile speaks the W3C reconciliation API 0.2 as OpenRefine does: every answer validates against the
specification's own JSON schemas (tests/reconcile/schemas/, with their source), and a same-name service is
ranked by the postcode the query gives."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "schemas"
pytestmark = pytest.mark.django_db


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=_draft7())))
    return Registry().with_resources(resources)


def _draft7():
    from referencing.jsonschema import DRAFT7

    return DRAFT7


def check(schema: str, instance) -> None:
    """Fail with every error if `instance` does not validate against one of the specification's schemas."""
    contents = json.loads((SCHEMAS / f"{schema}.json").read_text())
    validator = Draft7Validator(contents, registry=_registry())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, errors


def reconcile(client, batch: dict, method: str = "get"):
    check("reconciliation-query-batch", batch)
    response = getattr(client, method)("/reconcile", {"queries": json.dumps(batch)})
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    answer = response.json()
    check("reconciliation-result-batch", answer)
    return answer


def test_the_manifest_says_what_the_service_offers(client, lincolnshire_loaded):
    response = client.get("/reconcile")
    manifest = response.json()
    check("manifest", manifest)
    assert manifest["versions"] == ["0.2"] and manifest["identifierSpace"] == "https://www.cqc.org.uk/location/"
    assert manifest["view"]["url"] == "http://testserver/services/{{id}}/"
    assert "public" in response["Cache-Control"]
    for path in (manifest["suggest"]["entity"]["service_path"], manifest["extend"]["propose_properties"]["service_path"],
                 manifest["preview"]["url"].replace("{{id}}", "1-1125858653").removeprefix("http://testserver")):
        assert client.get(path).status_code == 200, path


def test_a_same_name_service_is_ranked_by_the_postcode_given(client, lincolnshire_loaded):
    answer = reconcile(client, {
        "sleaford": {"query": "Greenacres Care Home", "properties": [{"pid": "postcode", "v": "NG34 9RP"}]},
        "rasen": {"query": "Greenacres Care Home", "properties": [{"pid": "postcode", "v": "ln76qy"}]},
        "either": {"query": "Greenacres Care Home"},
    })
    sleaford, rasen, either = (answer[key]["result"] for key in ("sleaford", "rasen", "either"))
    assert sleaford[0]["id"] == "1-118334608" and sleaford[0]["match"] is True
    assert rasen[0]["id"] == "1-11307362365" and rasen[0]["match"] is True
    assert sleaford[0]["score"] > sleaford[1]["score"] and sleaford[1]["id"] == "1-11307362365"
    assert {c["id"] for c in either[:2]} == {"1-118334608", "1-11307362365"}
    assert not any(c["match"] for c in either)  # two of that name, and nothing to choose between them
    features = {f["id"]: f["value"] for f in sleaford[0]["features"]}
    assert features == {"name": 1.0, "same_postcode": True, "same_town": False}
    assert sleaford[0]["type"] == [{"id": "care_home", "name": "Care home"}]


def test_queries_by_post_by_id_by_town_and_by_type(client, lincolnshire_loaded):
    answer = reconcile(client, {
        "q0": {"query": "Age UK Lincoln and South Lincolnshire", "type": "care_service", "limit": 3},
        "q1": {"query": "1-121485942"},
        "q2": {"query": "The Old Hall", "properties": [{"pid": "town", "v": "Sleaford"}]},
        "q3": {"properties": [{"pid": "ods_code", "v": "VLCA5"}]},
        "q4": {"query": "Nowhere Imaginary Care"},
    }, method="post")
    assert answer["q0"]["result"][0]["id"] == "1-1125858653" and "Meets the standard" in answer["q0"]["result"][0]["description"]
    assert answer["q1"]["result"][0]["id"] == "1-121485942" and answer["q1"]["result"][0]["match"] is True
    assert answer["q2"]["result"][0]["id"] == "1-110419339" and answer["q2"]["result"][0]["match"] is True
    assert answer["q3"]["result"][0]["id"] == "1-112803138"
    assert answer["q4"]["result"] == []


def test_suggest_services_properties_and_types(client, lincolnshire_loaded):
    entities = client.get("/reconcile/suggest/entity", {"prefix": "greenacres"}).json()
    check("suggest-entities-response", entities)
    assert {"1-118334608", "1-11307362365"} <= {e["id"] for e in entities["result"]}
    by_id = client.get("/reconcile/suggest/entity", {"prefix": "1-121485942"}).json()
    assert by_id["result"][0]["id"] == "1-121485942"
    properties = client.get("/reconcile/suggest/property", {"prefix": "post"}).json()
    check("suggest-properties-response", properties)
    assert [p["id"] for p in properties["result"]][0] == "postcode"
    types = client.get("/reconcile/suggest/type", {"prefix": "care"}).json()
    check("suggest-types-response", types)
    assert {"care_service", "care_home"} <= {t["id"] for t in types["result"]}


def test_data_extension_adds_dspt_result_columns(client, lincolnshire_loaded):
    proposed = client.get("/reconcile/properties", {"type": "care_service"}).json()
    check("data-extension-property-proposal", proposed)
    assert {"dspt.label", "dspt.counts_until", "url"} <= {p["id"] for p in proposed["properties"]}
    query = {"ids": ["1-1125858653", "1-121485942", "1-000000000"],
             "properties": [{"id": "dspt.label"}, {"id": "dspt.counts_until"}, {"id": "name"}]}
    check("data-extension-query", query)
    answer = client.post("/reconcile", {"extend": json.dumps(query)}).json()
    check("data-extension-response", answer)
    assert [m["id"] for m in answer["meta"]] == ["dspt.label", "dspt.counts_until", "name"]
    age_uk = answer["rows"]["1-1125858653"]
    assert age_uk["dspt.label"] == [{"str": "Meets the standard"}]
    assert age_uk["dspt.counts_until"][0]["date"].endswith("T00:00:00Z")
    assert answer["rows"]["1-000000000"] == {"dspt.label": [], "dspt.counts_until": [], "name": []}


def test_the_preview_may_be_framed_by_openrefine(client, lincolnshire_loaded):
    response = client.get("/reconcile/preview", {"id": "1-1125858653"})
    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"] and "X-Frame-Options" not in response
    assert "Age UK Lincoln &amp; South Lincolnshire" in response.content.decode()
    assert client.get("/reconcile/preview", {"id": "nothing"}).status_code == 404


@pytest.mark.parametrize("params", [
    {"queries": "{not json"},
    {"queries": "[]"},
    {"queries": json.dumps({"q0": {"query": "x", "limit": 0}})},
    {"queries": json.dumps({"q0": {"query": ["a list"]}})},
    {"queries": json.dumps({"q0": {"quer": "typo"}})},
    {"queries": json.dumps({"q0": {"query": "x", "type": "hospital"}})},
    {"queries": json.dumps({"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}})},
    {"queries": json.dumps({f"q{n}": {"query": "x"} for n in range(201)})},
    {"extend": json.dumps({"ids": ["1-1"], "properties": [{"id": "secret"}]})},
    {"extend": "[1, 2]"},
])
def test_bad_requests_get_400_in_words(client, db, params):
    for method in ("get", "post"):
        response = getattr(client, method)("/reconcile", params)
        assert response.status_code == 400, (params, response.content)
        assert response.json()["error"]
        assert response["Access-Control-Allow-Origin"] == "*"


def test_the_batch_may_be_posted_from_any_origin(client, db):
    preflight = client.options("/reconcile", HTTP_ORIGIN="https://openrefine.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 200 and "POST" in preflight["Access-Control-Allow-Methods"]

"""The read-only JSON API: every response matches the OpenAPI description."""

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from providers.openapi import openapi_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema_validator():
    document = openapi_document("http://testserver/")
    registry = Registry().with_resource("urn:api", Resource.from_contents(document, default_specification=DRAFT202012))

    def validate(instance, name):
        validator = Draft202012Validator({"$ref": f"urn:api#/components/schemas/{name}"}, registry=registry)
        errors = sorted(validator.iter_errors(instance), key=str)
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]

    return validate


def get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def test_openapi_document(client):
    response = get(client, "api_openapi")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/services", "/api/v1/services/{cqc_location_id}", "/api/v1/ods/{ods_code}"}
    Draft202012Validator.check_schema({"$defs": document["components"]["schemas"]})


def test_index_links(client):
    data = get(client, "api_index").json()
    assert data["openapi"] == "http://testserver/api/v1/openapi.json"


def test_search_by_name(client, sample_loaded, schema_validator):
    response = get(client, "api_services", q="sunnyside")
    assert response.status_code == 200
    data = response.json()
    schema_validator(data, "SearchResults")
    names = [r["name"] for r in data["results"]]
    assert {"Sunnyside Lodge", "Sunny Side Care Home", "Sunny Side House"} <= set(names)
    lodge = next(r for r in data["results"] if r["name"] == "Sunnyside Lodge")
    assert lodge["url"] == "http://testserver/services/1-545611300/"
    assert lodge["dspt"]["dspt_status"] == "approaching" and lodge["dspt"]["year"] == "2025-26"
    assert lodge["dspt"]["published_on"] == "2026-06-30" and lodge["dspt"]["published_by"] == "location"
    assert data["postcode"] is None


def test_search_by_postcode_has_distances(client, sample_loaded, schema_validator):
    data = get(client, "api_services", q="l81aa").json()
    schema_validator(data, "SearchResults")
    assert data["postcode"]["label"] == "L8 1AA"
    distances = [r["distance_miles"] for r in data["results"]]
    assert distances == sorted(distances) and distances[0] < 0.1


def test_search_pagination(client, sample_loaded, schema_validator):
    data = get(client, "api_services", q="leeds", page_size=2).json()
    schema_validator(data, "SearchResults")
    assert len(data["results"]) == 2 and data["pages"] == (data["count"] + 1) // 2
    assert data["previous"] is None and "page=2" in data["next"] and "page_size=2" in data["next"]
    second = client.get(data["next"]).json()
    assert {r["cqc_location_id"] for r in second["results"]}.isdisjoint({r["cqc_location_id"] for r in data["results"]})
    beyond = get(client, "api_services", q="leeds", page=99).json()
    assert beyond["results"] == [] and beyond["next"] is None


def test_search_filters(client, sample_loaded):
    data = get(client, "api_services", q="leeds", type="care_home", status="not_met").json()
    assert [r["name"] for r in data["results"]] == ["Saint Mary's House"]


@pytest.mark.parametrize(
    "params, message",
    [({}, "Give 'q'"), ({"q": "x" * 201}, "200 characters"), ({"q": "a", "type": "castle"}, "'type' must be"),
     ({"q": "a", "status": "great"}, "'status' must be"), ({"q": "a", "page": "0"}, "'page' must be"),
     ({"q": "a", "page_size": "1000"}, "'page_size' must be"), ({"q": "a", "page": "x"}, "'page' must be")],
)
def test_bad_parameters_get_a_clear_400(client, schema_validator, params, message):
    response = client.get(reverse("api_services"), params)
    assert response.status_code == 400
    schema_validator(response.json(), "Error")
    assert message in response.json()["error"]


def test_service_with_history(client, sample_loaded, schema_validator):
    from providers.services.dspt_import import import_dspt_file
    from tests.conftest import SAMPLE_DSPT_2022

    import_dspt_file(path=SAMPLE_DSPT_2022)
    data = get(client, "api_service", "1-545611283").json()
    schema_validator(data, "ServiceWithHistory")
    assert data["name"] == "Sunny Side Care Home"
    assert data["dspt"]["status"] in {"meets", "out_of_date"}
    assert data["history"][0]["status_as_published"] == "25/26 Standards Met"


def test_unknown_service_is_a_json_404(client, db, schema_validator):
    response = get(client, "api_service", "1-000")
    assert response.status_code == 404
    schema_validator(response.json(), "Error")


def test_ods_lookup(client, sample_loaded, schema_validator):
    data = get(client, "api_ods", "ab1x").json()
    schema_validator(data, "OdsResults")
    assert data["count"] == 4 and all(r["dspt"]["published_by"] == "provider" for r in data["results"])
    assert get(client, "api_ods", "NOPE1").status_code == 404


def test_cors_is_open_for_get(client, sample_loaded):
    response = get(client, "api_services", q="leeds")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(reverse("api_services"), HTTP_ORIGIN="https://council.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 200 and "GET" in preflight["Access-Control-Allow-Methods"]


def test_only_get_is_allowed(client, db):
    response = client.post(reverse("api_services"), {"q": "x"})
    assert response.status_code == 405 and response.json()["error"] == "Only GET is allowed."


def test_names_are_returned_as_data_not_markup(client, sample_loaded):
    data = get(client, "api_service", "1-117000006").json()
    assert data["name"] == "<b>Bold</b> Care & Co"
    assert get(client, "api_service", "1-117000006")["Content-Type"] == "application/json"

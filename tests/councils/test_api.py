"""The read-only JSON API: every response matches the OpenAPI description."""

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from providers.councils.api import openapi_document

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
    assert set(document["paths"]) == {"/api/v1/services", "/api/v1/services/{cqc_location_id}", "/api/v1/ods/{ods_code}",
                                      "/api/v1/providers/{cqc_provider_id}", "/api/v1/changes"}
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
    from providers.imports.sources import import_dspt_file
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


def test_the_openapi_description_is_generated_from_the_schemas(client):
    from providers.councils import api_schemas

    document = get(client, "api_openapi").json()
    schemas = document["components"]["schemas"]
    assert {"SearchResults", "ServiceWithHistory", "OdsResults", "Error", "Service", "Dspt", "DataAsOf"} <= set(schemas)
    # The words in the Python schemas are the words in the description.
    assert schemas["Dspt"]["properties"]["match_method"]["description"] == \
        api_schemas.Dspt.model_fields["match_method"].description
    assert document["paths"]["/api/v1/services"]["get"]["operationId"] == "searchServices"
    assert response_status(client, "api_openapi") == "*"


def response_status(client, name):
    return get(client, name)["Access-Control-Allow-Origin"]


def test_the_index_shows_placeholders_plainly_and_the_data_date(client, sample_loaded):
    data = get(client, "api_index").json()
    assert data["service"] == "http://testserver/api/v1/services/{cqc_location_id}"  # not %7B...%7D
    assert data["documentation"] == "http://testserver/api/v1/docs/"
    assert data["data_as_of"] == {"dspt": "2026-11-20", "cqc": "2026-11-16"}


@pytest.mark.parametrize("code", ["1-545611283", "VLLWV", "vllwv"])
def test_search_by_code_finds_that_service_first(client, sample_loaded, schema_validator, code):
    data = get(client, "api_services", q=code).json()
    schema_validator(data, "SearchResults")
    assert data["results"][0]["cqc_location_id"] == "1-545611283"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_other_method_gets_the_json_405_on_every_path(client, db, method):
    for path in ("/api/v1/", "/api/v1/services", "/api/v1/services/1-545611283", "/api/v1/ods/VLLWV"):
        response = getattr(client, method)(path)
        assert response.status_code == 405, path
        assert response.json() == {"error": "Only GET is allowed."} and response["Access-Control-Allow-Origin"] == "*"


def test_the_documentation_page_is_made_from_the_same_description(client, db):
    html = client.get(reverse("api_docs")).content.decode()
    assert "<h1>Open data API</h1>" in html and "<script src" not in html.split("<footer")[0].split("</header>")[-1]
    for path in ("GET /api/v1/services", "GET /api/v1/services/{cqc_location_id}", "GET /api/v1/ods/{ods_code}"):
        assert f"<code>{path}</code>" in html
    assert 'id="schema-SearchResults"' in html and "<code>counts_until</code>" in html
    assert "The last day the current record counts" in html
    assert 'href="http://testserver/api/v1/services?q=sunny+side"' in html
    footer = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("api_docs")}">Open data (API)</a>' in footer


def test_a_query_with_no_searchable_words_and_a_filter_finds_nothing_without_an_error(client, sample_loaded):
    """Found by schemathesis (stateful phase, seed 1): a character no search key keeps, with a result filter,
    made a QuerySet.none() that the API's one-statement page could not turn into SQL (500)."""
    response = client.get("/api/v1/services", {"status": "not_met", "q": "\U00050223", "page_size": 10,
                                                "type": "care_home", "page": 1})
    assert response.status_code == 200
    assert response.json()["results"] == [] and response.json()["count"] == 0

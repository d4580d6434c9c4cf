"""Every public page may be kept by a shared cache, and is purged when its data changes (issue 41;
docs/adr/0026-serving-from-the-edge.md).

The routes come from the URLconf (tests/strangers/support.py), so a page added tomorrow must choose too.
"""

import re

import pytest
from django.urls import reverse

from providers.edge import purge
from providers.edge.keys import LISTS, PAGES
from providers.imports.sources import import_dspt_file
from tests.strangers.support import every_route

pytestmark = pytest.mark.django_db
SERVICE, PROVIDER = "1-545611283", "1-102643002"
# Pages with someone's answers, or reached from the links in their emails: never kept by any cache.
PERSONAL = {"contact", "follow", "follow_confirm", "follow_manage", "follow_stop", "your_rights", "privacy_summary",
            "check_a_list",  # what is uploaded there is personal: never shared, never kept
            "reply", "reply_confirm",  # a care service's words and address
            "count_view", "useful", "feedback_more"}  # counted each time (a cached count image counts nothing)
# Each page's real address: placeholders filled, and what a real visitor's address carries.
VALUES = {"location_id": SERVICE, "cqc_location_id": SERVICE, "provider_id": PROVIDER, "cqc_provider_id": PROVIDER,
          "ods_code": "VLLWV", "slug": "liverpool", "kind": "copy", "signed": "x", "token": "x"}
QUERIES = {"follow": "?service=" + SERVICE, "your_rights": "?service=" + SERVICE, "search": "?q=sunny",
           "api_services": "?q=sunny",
           "easy_read_search": "?q=sunny", "guidance": "", "easy_read_guidance": ""}
SLUGS = {"guidance": "what-is-the-dspt", "easy_read_guidance": "what-is-the-dspt"}


def public_routes():
    for route in every_route():
        if route.template.startswith(("/admin/", "/healthz", "/readyz", "/metrics")) or "<url>" in route.template:
            continue
        yield route


def address(route, **real) -> str:
    values = {**VALUES, "slug": SLUGS.get(route.name, "liverpool"), **real}
    return route.fill({name: values.get(name, "x") for name in route.placeholders}) + QUERIES.get(route.name, "")


def test_every_public_page_may_be_shared_and_every_personal_page_is_kept_by_no_cache(client, sample_loaded):
    from providers.following import emails, services
    from providers.following.models import Subscriber

    services.sign_up(email="reader@example.org", kind="service", key=SERVICE, name="Sunny Side")
    subscriber = Subscriber.objects.get()
    real = {"token": subscriber.token, "signed": emails.confirm_link(subscriber).rsplit("/", 2)[-2]}
    shared, kept_by_none, neither = [], [], []
    for route in public_routes():
        response = client.get(address(route, **real))
        control = response.get("Cache-Control", "")
        if "private" in control and "no-store" in control:
            kept_by_none.append(route.name)
            continue
        if response.status_code != 200:
            continue  # a page that needs a real link (the email pages are personal above, whatever they answer)
        assert not response.cookies, (route.template, response.cookies)
        assert "Cookie" not in response.get("Vary", ""), route.template
        lifetime = dict(re.findall(r"([a-z-]+)=(\d+)", control))
        if "public" in control and int(lifetime.get("s-maxage", 0)) > 0 and response.has_header("ETag"):
            assert {"max-age", "stale-while-revalidate", "stale-if-error"} <= set(lifetime), route.template
            assert PAGES in response["Surrogate-Key"].split() and response["Cache-Tag"], route.template
            again = client.get(address(route, **real), HTTP_IF_NONE_MATCH=response["ETag"])
            assert again.status_code == 304 and not again.content, route.template
            assert again["ETag"] == response["ETag"] and "public" in again["Cache-Control"], route.template
            shared.append(route.name)
        else:
            neither.append((route.template, control))
    assert neither == [], "every page is public with a lifetime and a validator, or personal"
    assert set(kept_by_none) == PERSONAL
    assert {"home", "search", "service", "provider", "area", "areas", "download_services_csv", "badge",
            "api_services", "api_service", "service_feed", "about"} <= set(shared)


def test_a_page_says_what_it_shows(client, sample_loaded):
    service = client.get(reverse("service", args=[SERVICE]))
    assert set(service["Surrogate-Key"].split()) == {f"service:{SERVICE}", f"provider:{PROVIDER}", "area:liverpool",
                                                     PAGES}
    assert set(client.get(reverse("area", args=["liverpool"]))["Surrogate-Key"].split()) == {"area:liverpool", PAGES}
    assert set(client.get(reverse("search"), {"q": "leeds"})["Surrogate-Key"].split()) == {LISTS, PAGES}
    assert client.get(reverse("search"), {"q": "leeds"})["Vary"] == "HX-Request"  # and on nothing else


def test_a_revalidation_is_answered_without_making_the_page(client, sample_loaded, django_assert_max_num_queries):
    etag = client.get(reverse("service", args=[SERVICE]))["ETag"]
    with django_assert_max_num_queries(1):  # at most the data version (kept 5 s in each process)
        assert client.get(reverse("service", args=[SERVICE]), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_import_changes_the_validator_and_the_keys_it_purges_name_the_service(
        client, sample_loaded, tmp_path):
    from tests.staff.test_record_and_undo import newer_dspt_file

    before = client.get(reverse("service", args=[SERVICE]))["ETag"]
    run = import_dspt_file(path=newer_dspt_file(tmp_path, "27_11_2026", "25/26 Standards Not Met"))
    after = client.get(reverse("service", args=[SERVICE]), HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before and "not meet" in after.content.decode().lower()
    assert purge.keys_changed_in(run.history_context) == {f"service:{SERVICE}", f"provider:{PROVIDER}",
                                                          "area:liverpool", LISTS}


@pytest.mark.django_db(transaction=True)
def test_the_worker_purges_a_changed_services_keys_from_the_cdn(sample_week, file_server, settings, run_worker,
                                                                tmp_path):
    from tests.conftest import SAMPLE_CQC_CSV, SAMPLE_DSPT
    from tests.staff.test_record_and_undo import newer_dspt_file

    from providers.imports.sources import import_cqc_file

    assert import_cqc_file(path=SAMPLE_CQC_CSV).state == "succeeded"
    assert import_dspt_file(path=SAMPLE_DSPT).state == "succeeded"
    settings.EDGE_PURGE, settings.EDGE_PURGE_URL = "http", file_server.url("/purge")
    import_dspt_file(path=newer_dspt_file(tmp_path, "27_11_2026", "25/26 Standards Not Met"))
    run_worker()
    import json

    purged = [set(json.loads(body)["keys"]) for path, _, body in file_server.posts if path == "/purge"]
    assert {f"service:{SERVICE}", LISTS} <= set().union(*purged)
    assert not any(key.startswith("service:") and key != f"service:{SERVICE}" for key in set().union(*purged))


def test_each_adapter_calls_its_cdn(file_server, settings, monkeypatch):
    import urllib.request

    sent = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: sent.append(request) or _Answer())
    settings.EDGE_PURGE_TOKEN, settings.EDGE_PURGE_SERVICE, settings.EDGE_PURGE_ZONE = "t0ken", "svc", "zone"
    for backend in ("fastly", "cloudflare"):
        settings.EDGE_PURGE = backend
        purge.purge([f"service:{n}" for n in range(300)])
    fastly = [r for r in sent if "fastly" in r.full_url]
    cloudflare = [r for r in sent if "cloudflare" in r.full_url]
    assert [len(r.headers["Surrogate-key"].split()) for r in fastly] == [256, 44]
    assert fastly[0].full_url == "https://api.fastly.com/service/svc/purge" and fastly[0].headers["Fastly-key"] == "t0ken"
    assert len(cloudflare) == 10 and cloudflare[0].full_url.endswith("/zones/zone/purge_cache")


class _Answer:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self):
        return b"{}"

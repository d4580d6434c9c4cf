"""What a page shows, as keys a shared cache can purge by (`Surrogate-Key` for Fastly and Varnish, `Cache-Tag`
for Cloudflare), and which keys a set of changes touches (docs/adr/0026-serving-from-the-edge.md).

- `service:<CQC location ID>`, `provider:<CQC provider ID>`, `area:<slug>`: the pages of one service (its
  page, Easy Read page, posters, badge, feed), one provider, one council area;
- `lists`: every page that lists many services or counts them (search, areas, England, downloads, the API's
  search, the start page);
- `pages`: every page (what a release, or a change too big to list, purges).
"""

from __future__ import annotations

from django.utils.text import slugify

LISTS, PAGES = "lists", "pages"
# More keys than this in one purge: purge every page instead (one request, not hundreds).
MOST_KEYS = 300


def about(request, *, service: str = "", provider: str = "", area: str = "", lists: bool = False) -> None:
    """Called by a view: what its page shows. A page that calls nothing is a list's (`lists`)."""
    found = getattr(request, "edge_keys", set())
    found |= {key for key in (_key("service", service), _key("provider", provider), _key("area", area)) if key}
    if lists:
        found.add(LISTS)
    request.edge_keys = found


def about_location(request, location) -> None:
    about(request, service=location.cqc_location_id, provider=location.provider.cqc_provider_id,
          area=location.local_authority)


def label(response, request) -> None:
    """The response's keys: those its view gave, or `lists`; always `pages`."""
    found = sorted((getattr(request, "edge_keys", None) or {LISTS}) | {PAGES})
    response["Surrogate-Key"] = " ".join(found)
    response["Cache-Tag"] = ",".join(found)


def _key(kind: str, value: str) -> str:
    value = slugify(value) if kind == "area" else value.strip().upper()
    return f"{kind}:{value}" if value else ""


def of_locations(rows) -> set[str]:
    """Keys of services given as (CQC location ID, CQC provider ID, council area) rows."""
    found = set()
    for location_id, provider_id, area in rows:
        found |= {key for key in (_key("service", location_id), _key("provider", provider_id or ""),
                                  _key("area", area or "")) if key}
    return found

"""Telling a shared cache that pages changed: by key, once the change is saved, from the worker.

When a recorded context ends having changed something (an import, an undo, an admin's edit:
providers/history/context.py sends `changes_recorded`), the keys of what it changed are worked out from the
record of changes (`keys_changed_in`) and the worker purges them through the configured adapter
(`EDGE_PURGE`), retrying if the cache does not answer:

- `none` (the default): nothing to tell; shared caches keep pages for their lifetime (nginx, docs/scaling.md);
- `log`: write the keys to the log;
- `http`: POST {"keys": [...]} as JSON to EDGE_PURGE_URL (a purger of your own, or Varnish with xkey);
- `fastly`: Fastly's purge by surrogate key (EDGE_PURGE_SERVICE, EDGE_PURGE_TOKEN);
- `cloudflare`: Cloudflare's purge by cache tag (EDGE_PURGE_ZONE, EDGE_PURGE_TOKEN).
"""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.db import connection, transaction
from procrastinate.contrib.django import app

from providers.edge import keys
from providers.history.context import changes_recorded
from providers.history.tracking import event_model

logger = logging.getLogger(__name__)
BATCH = {"fastly": 256, "cloudflare": 30, "http": 1000, "log": 1000}  # keys a request may carry


def keys_changed_in(context_id) -> set[str]:
    """The keys of every page a context's changes touch: its services (as they were and became), their
    providers and areas, and the services whose DSPT record changed."""
    from providers.register.models import DsptAssessment, DsptOrganisation, Location, Provider

    locations, providers = event_model(Location)._meta.db_table, Provider._meta.db_table
    organisation_ids = f"""
        SELECT pgh_obj_id FROM {event_model(DsptOrganisation)._meta.db_table} WHERE pgh_context_id = %(c)s
        UNION SELECT organisation_id FROM {event_model(DsptAssessment)._meta.db_table} WHERE pgh_context_id = %(c)s"""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT e.cqc_location_id, p.cqc_provider_id, e.local_authority
            FROM {locations} e LEFT JOIN {providers} p ON p.id = e.provider_id WHERE e.pgh_context_id = %(c)s
            UNION
            SELECT before.cqc_location_id, p.cqc_provider_id, before.local_authority
            FROM {locations} e JOIN LATERAL (SELECT * FROM {locations} x WHERE x.pgh_obj_id = e.pgh_obj_id
                                             AND x.pgh_id < e.pgh_id ORDER BY x.pgh_id DESC LIMIT 1) before ON true
            LEFT JOIN {providers} p ON p.id = before.provider_id WHERE e.pgh_context_id = %(c)s
            UNION
            SELECT l.cqc_location_id, p.cqc_provider_id, l.local_authority
            FROM {Location._meta.db_table} l JOIN {providers} p ON p.id = l.provider_id
            WHERE l.dspt_organisation_id IN ({organisation_ids})
            UNION
            SELECT '', p.cqc_provider_id, '' FROM {event_model(Provider)._meta.db_table} p WHERE p.pgh_context_id = %(c)s
            """, {"c": str(context_id)})
        found = keys.of_locations(cursor.fetchall())
    if not found:
        return set()
    return {keys.PAGES} if len(found) > keys.MOST_KEYS else found | {keys.LISTS}


def after_changes(sender, context_id, **kwargs) -> None:
    """A context that changed something ended: once its transaction is saved, the worker purges its pages."""
    if settings.EDGE_PURGE == "none":
        return
    found = keys_changed_in(context_id)
    if found:
        transaction.on_commit(lambda: purge_pages.defer(keys=sorted(found)))


changes_recorded.connect(after_changes)


@app.task(queue="housekeeping", retry=5)
def purge_pages(*, keys: list[str]) -> str:
    """Purge these keys from the shared cache (retried with the worker's back-off if it does not answer)."""
    purge(keys)
    return f"purged {len(keys)} keys through {settings.EDGE_PURGE}"


def purge(found: list[str]) -> None:
    backend = settings.EDGE_PURGE
    if backend == "none":
        return
    size = BATCH.get(backend, 100)
    for start in range(0, len(found), size):
        _send(backend, found[start:start + size])


def _send(backend: str, batch: list[str]) -> None:
    if backend == "log":
        logger.info("Shared cache: purge %s", " ".join(batch))
        return
    token = settings.EDGE_PURGE_TOKEN
    if backend == "fastly":
        request = urllib.request.Request(f"https://api.fastly.com/service/{settings.EDGE_PURGE_SERVICE}/purge",
                                         method="POST", headers={"Fastly-Key": token, "Surrogate-Key": " ".join(batch)})
    elif backend == "cloudflare":
        request = urllib.request.Request(
            f"https://api.cloudflare.com/client/v4/zones/{settings.EDGE_PURGE_ZONE}/purge_cache", method="POST",
            data=json.dumps({"tags": batch}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    elif backend == "http":
        request = urllib.request.Request(settings.EDGE_PURGE_URL, method="POST", data=json.dumps({"keys": batch}).encode(),
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
    else:
        raise ValueError(f"EDGE_PURGE={backend!r} is not one of none, log, http, fastly, cloudflare")
    with urllib.request.urlopen(request, timeout=settings.EDGE_PURGE_TIMEOUT) as answer:
        answer.read()


def service_changed(cqc_location_id: str) -> None:
    """A change the record of changes does not see on a service's pages (a care service's reply shown or
    archived): once saved, the worker purges that service's pages."""
    if settings.EDGE_PURGE == "none":
        return
    found = sorted(keys.of_locations([(cqc_location_id, "", "")]))
    transaction.on_commit(lambda: purge_pages.defer(keys=found))

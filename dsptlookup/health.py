"""/healthz, /readyz and /metrics: for the load balancer and the operator (docs/operations.md)."""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from dsptlookup import limits, replica

_migrated = False  # once every migration is applied it stays so: asked again only until then


@never_cache
def healthz(request):
    """The process answers. Touches nothing else (not the database): for restarting a stuck process."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    """Ready for traffic: the database answers, every migration is applied, and we hold data.
    503 with the reason otherwise, so a load balancer sends visitors elsewhere."""
    checks = {"database": _database(), "migrations": "", "data": ""}
    if checks["database"] == "ok":
        checks["migrations"] = _migrations()
        checks["data"] = _data()
    ready = all(value == "ok" for value in checks.values())
    if replica.configured():
        checks["replica"] = "ok" if replica.health.usable() else f"not used: {replica.health.reason}"
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks},
                        status=200 if ready else 503)


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError as error:
        return f"not answering: {str(error).strip()[:200]}"


def _migrations() -> str:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections["default"])
        waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if waiting:
            return f"{len(waiting)} migrations not applied (run manage.py migrate)"
        _migrated = True
    return "ok"


def _data() -> str:
    from providers import freshness

    dates = freshness.data_dates()
    missing = [name for name, date in (("DSPT", dates.dspt_as_of), ("CQC", dates.cqc_as_of)) if date is None]
    return f"no {' or '.join(missing)} data imported yet" if missing else "ok"


@never_cache
def metrics(request):
    """Prometheus metrics, for addresses in METRICS_ALLOWED_NETWORKS or with the METRICS_TOKEN."""
    if not _may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counts = CollectorRegistry()
        multiprocess.MultiProcessCollector(counts)
    else:
        counts = REGISTRY
    data = CollectorRegistry()
    data.register(DataCollector())
    return HttpResponse(generate_latest(counts) + generate_latest(data), content_type=CONTENT_TYPE_LATEST)


def _may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    if token and request.headers.get("Authorization", "") == f"Bearer {token}":
        return True
    try:
        address = ipaddress.ip_address(limits.client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS)


class DataCollector:
    """Read from the database at each scrape: import runs by kind and state, how old our data is, and emails."""

    def collect(self):
        from django.db.models import Count

        from providers import freshness
        from providers.imports.models import ImportRun

        runs = GaugeMetricFamily("dsptlookup_import_runs", "Import runs by kind and state",
                                 labels=["kind", "state"])
        for row in ImportRun.objects.using("default").values("kind", "state").annotate(n=Count("id")):
            runs.add_metric([row["kind"], row["state"]], row["n"])
        yield runs
        age = GaugeMetricFamily("dsptlookup_data_age_days", "Days since the source published the data we hold",
                                labels=["source"])
        dates, today = freshness.data_dates(), timezone.localdate()
        for source, date in (("dspt", dates.dspt_as_of), ("cqc", dates.cqc_as_of)):
            if date is not None:
                age.add_metric([source], (today - date).days)
        yield age
        yield self.emails()
        used = GaugeMetricFamily("dsptlookup_replica_in_use", "1 while public reads go to the replica")
        used.add_metric([], 1 if replica.configured() and replica.health.healthy else 0)
        yield used

    @staticmethod
    def emails():
        """Emails held, by state (providers/following): pending ones waiting long, or failed ones, need a look."""
        from django.db.models import Count

        from providers.following.models import Message

        held = GaugeMetricFamily("dsptlookup_emails", "Emails held, by state", labels=["state"])
        counts = dict(Message.objects.using("default").values_list("state").annotate(n=Count("id")))
        for state in Message.State.values:
            held.add_metric([state], counts.get(state, 0))
        return held

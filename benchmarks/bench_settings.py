"""Settings for benchmarks: the app's own, plus a bare view to compare against (benchmarks/bench_urls.py)."""

from dsptlookup.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"

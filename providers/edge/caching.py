"""What a shared cache (a CDN, nginx) may keep of each page, for how long, and how it knows it changed.

Every route chooses, in providers/urls.py (and dsptlookup/urls.py), one of two ways:

- `public(LIFETIME)(view)`: the same for everyone, so a shared cache may keep it. A GET or HEAD gets
  `Cache-Control: public` with a lifetime for shared caches (s-maxage) and a shorter one for browsers,
  `stale-while-revalidate` and `stale-if-error`, a validator (ETag) and the keys of what the page shows
  (`Surrogate-Key`, `Cache-Tag`: providers/edge/keys.py). The validator is known before the page is made
  (the data version, the day, the release, and whether htmx asked), so a revalidation is a 304 without a
  query beyond the data version's (kept 5 s per process). Such a page never sets a cookie: if it ever did,
  it is sent `private` instead, never shared.
- `personal(view)`: forms with answers, follow management, letters: `private, no-store` (Django's never_cache).

The lifetimes are short for browsers (they cannot be told of a change) and longer for shared caches, which
an import purges by key (providers/edge/purge.py), so no page is older than its lifetime after an import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.cache import never_cache

from dsptlookup.release import RELEASE
from providers.edge import keys
from providers import freshness


@dataclass(frozen=True)
class Lifetime:
    shared: int  # seconds a shared cache may keep the page (purged sooner when its data changes)
    browser: int  # seconds a browser may keep it
    stale: int = 60  # a shared cache may serve it this much older while it fetches a new one
    if_error: int = 86_400  # or this much older while the app is down


DATA = Lifetime(shared=600, browser=60)  # pages worked out from our data: purged when it changes
CONTENT = Lifetime(shared=3600, browser=300)  # words that change only with a release (and the data date)
DOWNLOAD = Lifetime(shared=3600, browser=300)  # whole lists; purged with the data


def public(lifetime: Lifetime, *, version=None):
    """For a page that is the same for everyone: cacheable by shared caches, revalidated by its ETag.

    version: for a page made from something other than our data (the performance figures, worked out each
    hour): a function whose answer changes when it does, added to the ETag.
    """
    def decorate(view):
        @wraps(view)
        def cached(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            etag = validator(request) if version is None else validator(request)[:-1] + f'-{version()}"'
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                return _shared(not_modified, lifetime, etag, request)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.cookies or response.has_header("Cache-Control"):
                # An error, or a page that set a cookie or its own rules: never shared as it is.
                if response.status_code != 200 and not response.has_header("Cache-Control"):
                    patch_cache_control(response, public=True, max_age=60)  # a flood of one missing page
                return response if not response.cookies else _private(response)
            return _shared(response, lifetime, etag, request)

        cached.cache_policy = "public"
        return cached

    return decorate


def public_patterns(patterns: list, lifetime: Lifetime) -> list:
    """URL patterns made elsewhere (django-ninja's), each view cacheable as `public(lifetime)` makes it."""
    from django.urls import URLPattern

    return [URLPattern(p.pattern, public(lifetime)(p.callback), p.default_args, p.name) for p in patterns]


def personal(view):
    """For a page with someone's answers or links to their emails: kept by no cache, shared or not."""
    view = never_cache(view)
    view.cache_policy = "personal"
    return view


def validator(request) -> str:
    """The page's ETag, known before it is made: it changes when the data, the day or the release does."""
    data = freshness.data_dates().version
    variant = "h" if request.headers.get("HX-Request") else "p"
    return f'W/"{data}-{timezone.localdate():%Y%m%d}-{RELEASE}-{variant}"'


def _shared(response, lifetime: Lifetime, etag: str, request):
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=lifetime.browser, s_maxage=lifetime.shared,
                        stale_while_revalidate=lifetime.stale, stale_if_error=lifetime.if_error)
    keys.label(response, request)
    return response


def _private(response):
    del response["ETag"]
    response["Cache-Control"] = "private, no-store"
    return response

"""A care service's own pages: its page and Easy Read page, and what it shows on its website,
emails, letters and walls (badge, QR code, posters)."""

import datetime as dt
import functools
from urllib.parse import quote, urlsplit

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.safestring import mark_safe

from providers.edge import keys
from providers import freshness
from providers.performance import counting
from providers.register.models import Location
from providers.replies import services as replies
from providers.results import badges, presenter, status_text, track_record


def _service_context(request, location_id: str) -> dict:
    location = get_object_or_404(Location.objects.with_dspt_status(), cqc_location_id=location_id)
    keys.about_location(request, location)  # what a shared cache purges it by (providers/edge/keys.py)
    today = timezone.localdate()
    result = location.dspt_result(today)
    organisation = location.dspt_organisation
    records = track_record.track_record(organisation, today=today)
    look = presenter.present(result.code)
    reply = replies.shown_for(location, result, location.current_dspt_assessment)
    return {
        "location": location,
        "result": result,
        "status": result.status,
        "assessment": location.current_dspt_assessment,
        "organisation": organisation,
        "records": records,
        # The care service's own words beside the result, when an admin published them for this very result.
        "reply": reply,
        "reply_date": presenter.day(reply.published_on) if reply else "",
        "glance": track_record.years_at_a_glance(records, today=today),
        "today": today,
        "meaning": look.meaning,
        "easy_read": presenter.easy_read_lines(result),
        "dates_sentence": presenter.dates_sentence(result),
        "match_sentence": presenter.match_sentence(result),
        "unknown_words": presenter.unknown_words(result),
        "dormant_sentence": presenter.DORMANT_SENTENCE,
        "questions": status_text.QUESTIONS,
        "easy_read_questions": status_text.EASY_READ_QUESTIONS,
        "pictures": status_text.EASY_READ_PICTURES,
        "counts_until": result.counts_until,
    }


def service(request, location_id):
    """One care service: its DSPT status in plain English, what it means, and what to ask."""
    context = _share_context(request, location_id)
    context["switch"] = {"url": reverse("service_easy_read", args=[location_id]), "label": "Easy Read version of this page"}
    if context["organisation"]:
        context["dspt_record_url"] = settings.DSPT_ORGANISATION_URL.format(code=quote(context["organisation"].ods_code))
    context["website_url"] = _web_address(context["location"].website)
    return render(request, "service_pages/service.html", context)


def _web_address(text: str) -> str:
    """A care service's website as a link we can safely show ('www.x.org' -> 'https://www.x.org'), or ''."""
    text = (text or "").strip()
    if not text or " " in text:
        return ""
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    parts = urlsplit(text)
    good = parts.scheme in ("http", "https") and "." in parts.hostname if parts.hostname else False
    return text if good and text.isprintable() else ""


def service_easy_read(request, location_id):
    """The Easy Read version of a care service's page."""
    context = _service_context(request, location_id)
    context["switch"] = {"url": reverse("service", args=[location_id]), "label": "Standard version of this page"}
    return render(request, "service_pages/easy_read.html", context)


def by_ods_code(request, ods_code):
    """/ods/<code>/: a stable link by ODS code. Goes to the service with that code,
    or lists the services of the provider with that code."""
    code = ods_code.strip().upper()
    services = list(Location.objects.filter(ods_code=code).with_dspt_status().registered_first())
    if len({service.provider_id for service in services if service.deregistered_on is None}) > 1:
        # Services of different providers use this code: we cannot tell whose it is, so the visitor chooses.
        return render(request, "service_pages/ods_services.html",
                      {"code": code, "services": services, "shared": True, "today": timezone.localdate()})
    if services:
        return redirect("service", services[0].cqc_location_id)
    services = list(Location.objects.filter(provider__ods_code=code).with_dspt_status().registered_first())
    if len(services) == 1:
        return redirect("service", services[0].cqc_location_id)
    if not services:
        return render(request, "service_pages/ods_not_found.html", {"code": code}, status=404)
    return render(request, "service_pages/ods_services.html",
                  {"code": code, "services": services, "provider": services[0].provider, "today": timezone.localdate()})


BADGE_MAX_AGE = 15 * 60  # seconds: short, so a new result shows soon
BADGE_CACHE_SECONDS = 24 * 60 * 60  # (keyed by the data's version and the day, so never out of date)


def _badge_of(location_id: str) -> badges.Badge:
    """The badge of one service on this day with this version of our data.

    Badges are most of our traffic once providers embed them, and each is
    asked for again every BADGE_MAX_AGE, mostly answered 304. A badge is a
    fact about (service, data version, day), so it is remembered by exactly
    that: in this process (no query at all), then in the shared cache (one
    small query), and only then worked out (the status query, 3 times
    slower). A new import, an admin's edit or a new day is a new key, so a
    remembered badge is never out of date, in any process.
    """
    dates = freshness.data_dates()
    return _remembered_badge(location_id[:40], dates.version, timezone.localdate(), dates.dspt_as_of)


@functools.lru_cache(maxsize=50_000)
def _remembered_badge(location_id: str, version: str, today: dt.date, data_as_of: dt.date | None) -> badges.Badge:
    key = f"badge:{location_id}:{version}:{today.isoformat()}"
    badge = cache.get(key)
    if badge is None:
        location = Location.objects.with_dspt_status().filter(cqc_location_id=location_id).first()
        if location is None:
            raise Http404("No such care service")
        badge = badges.badge_for(location, today=today, data_as_of=data_as_of)
        cache.set(key, badge, BADGE_CACHE_SECONDS)
    return badge


def _image_response(request, badge: badges.Badge, *, etag: str, render_body, content_type: str):
    """An image a thousand websites embed: validators from the badge's data, 304s, CDN-friendly caching.

    `render_body` is called only when the client does not already have this version.
    """
    last_modified = int(badge.changed_at.timestamp())  # HTTP dates have whole seconds
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(render_body(), content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = (f"public, max-age={BADGE_MAX_AGE}, s-maxage={BADGE_MAX_AGE}, "
                                 "stale-while-revalidate=60, stale-if-error=86400")
    keys.label(response, request)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def badge(request, location_id):
    """/services/<id>/badge.svg: the live result as a picture other websites can show."""
    keys.about(request, service=location_id)
    live = _badge_of(location_id)
    counting.badge_shown(request, location_id)
    return _image_response(request, live, etag=f'"{live.version}-svg"', content_type="image/svg+xml; charset=utf-8",
                           render_body=lambda: badges.render_svg(live))


def badge_png(request, location_id, scale=1):
    """/services/<id>/badge.png (and badge@2x.png): the same badge for email programs and letters."""
    keys.about(request, service=location_id)
    live = _badge_of(location_id)
    counting.badge_shown(request, location_id)
    return _image_response(request, live, etag=f'"{live.version}-png{scale}"', content_type="image/png",
                           render_body=lambda: badges.render_png(live, scale=scale))


def _share_context(request, location_id: str, *, with_qr: bool = False) -> dict:
    """The service page's context plus the permanent links and badge images.

    with_qr: draw the QR code inline (posters). It takes about 9 ms, so the
    service page links to /qr.svg instead, which the browser fetches and caches.
    """
    context = _service_context(request, location_id)
    location = context["location"]
    page_url = request.build_absolute_uri(reverse("service", args=[location_id]))
    context.update(
        page_url=page_url,
        badge=badges.badge_for(location, today=context["today"], data_as_of=freshness.data_dates().dspt_as_of),
        badge_url=request.build_absolute_uri(reverse("badge", args=[location_id])),
        badge_png_url=request.build_absolute_uri(reverse("badge_png", args=[location_id])),
        badge_png_2x_url=request.build_absolute_uri(reverse("badge_png_2x", args=[location_id])),
        badge_alt=badges.alt_text(location),
        qr_svg=_qr_svg(page_url, scale=4) if with_qr else "",
    )
    context["snippets"] = badges.snippets(context)
    return context


def _qr_svg(url: str, *, scale: int, sized: bool = False) -> str:
    """A QR code to `url` as inline SVG, named for screen readers ('QR code for …').

    sized: give its width and height (for a file to download); else CSS sizes it.
    """
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=not sized)
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="QR code for {escape(url)}" ', 1))


def qr_code(request, location_id):
    """/services/<id>/qr.svg: a QR code to the service's permanent page, for letters and leaflets."""
    get_object_or_404(Location, cqc_location_id=location_id)
    keys.about(request, service=location_id)
    page_url = request.build_absolute_uri(reverse("service", args=[location_id]))
    svg = _qr_svg(page_url, scale=8, sized=True).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="dspt-lookup-{location_id}-qr.svg"'
    return response


def poster(request, location_id):
    """/services/<id>/poster/: an A4 poster of the live result for the care service's building."""
    return render(request, "service_pages/poster.html", _share_context(request, location_id, with_qr=True))


def poster_easy_read(request, location_id):
    """/services/<id>/poster/easy-read/: the Easy Read poster, with the result's picture."""
    context = _share_context(request, location_id, with_qr=True)
    published = context["assessment"].published_on if context["assessment"] else None
    context["published_words"] = f"{published.day} {published:%B %Y}" if published else ""
    return render(request, "service_pages/poster_easy_read.html", context)

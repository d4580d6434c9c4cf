"""The live badge a care service shows on its website, in emails and letters, and on its wall.

One description of the badge (`Badge`) feeds every form of it: the SVG for
websites, the PNG (rendered from that same SVG by resvg) for email programs
and letters, and the poster. Its `version` is a hash of everything the
badge shows, so the SVG's and the PNG's ETags change together, exactly when
the picture would change.

The layout is fixed (docs/adr/0007-badge.md): 360 × 88 units, the icon in a
40 × 40 box, the words from x = 76 with 272 units of room. The longest words
we show ("No longer registered with CQC") take about 255 units in Liberation
Sans (Arial's metrics), the font named in the SVG and used for the PNG;
tests/service_pages/test_browser_badge.py proves in Chromium that nothing overlaps or is clipped.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from providers.results import presenter
from providers.results.dspt_status import current_until

WIDTH, HEIGHT = 360, 88
KICKER = "Data security check (DSPT)"  # the line above the result, while our data is fresh
FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts" / "liberation"
FONT_FILES = [str(FONT_DIR / "LiberationSans-Regular.ttf"), str(FONT_DIR / "LiberationSans-Bold.ttf")]
PNG_CACHE_SECONDS = 24 * 60 * 60  # keyed by version, so a new result is a new key


@dataclass(frozen=True)
class Badge:
    """Everything a badge shows, worked out once from a care service and the day."""

    service_name: str
    code: str  # a PlainStatus code, or 'deregistered' / 'dormant'
    label: str  # the big words
    detail: str  # the small line under them
    kicker: str  # the small line above them
    icon: str
    colour: str
    title: str  # the SVG's text alternative: the live result in words
    changed_at: dt.datetime  # when what the badge shows last changed (for Last-Modified)

    @property
    def version(self) -> str:
        """A short hash of what the badge shows: the same for SVG and PNG, new when the picture changes."""
        text = "|".join([self.service_name, self.code, self.label, self.detail, self.kicker, self.title])
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def badge_for(location, *, today: dt.date | None = None, data_as_of: dt.date | None = None,
              stale_after_days: int | None = None) -> Badge:
    """The badge of one care service on `today` (default: today).

    data_as_of: the date of the DSPT data we hold. Once it is older than
    stale_after_days (settings.DSPT_STALE_DAYS), the badge no longer says
    "live": it names the date of our data instead, so it never claims to be
    fresher than it is.
    """
    today = today or timezone.localdate()
    stale_after_days = settings.DSPT_STALE_DAYS if stale_after_days is None else stale_after_days
    stale = data_as_of is not None and (today - data_as_of).days > stale_after_days
    result = location.dspt_result(today)
    assessment = location.current_dspt_assessment
    code = presenter.status_for_badge(result)
    look = presenter.present(code)
    shows_result = code == result.code
    year = result.year_label if shows_result and result.status.is_current else ""
    detail = _detail(year, result.match if shows_result else "", live=not stale)
    kicker = f"DSPT result as of {data_as_of.day} {data_as_of:%b %Y}" if stale else KICKER
    where = (f"from DSPT Lookup's copy of the DSPT data of {presenter.day(data_as_of)}" if stale
             else "live from DSPT Lookup")
    title = (f"{location.display_name}: {look.label}{f' ({year})' if year else ''}. "
             f"{presenter.match_sentence(result) + ' ' if shows_result and not result.own_record else ''}"
             f"Data Security and Protection Toolkit result, {where}.").replace("  ", " ")
    changed = [_changed_at(location, assessment, today)]
    if stale:  # the wording changed on the first day the data counted as old
        changed.append(_start_of(data_as_of + dt.timedelta(days=stale_after_days + 1)))
    return Badge(service_name=location.display_name, code=code, label=look.label, detail=detail, kicker=kicker,
                 icon=look.icon, colour=look.badge_colour, title=title, changed_at=max(changed))


def outage_badge() -> Badge:
    """The badge shown while the database cannot be reached: true (it claims no result) and made without it."""
    look = presenter.present("unavailable")
    return Badge(service_name="", code="unavailable", label=look.label, detail="Try again later · DSPT Lookup",
                 kicker=KICKER, icon=look.icon, colour=look.badge_colour, changed_at=timezone.now(),
                 title="The Data Security and Protection Toolkit result cannot be shown just now. Try again later.")


def _detail(year: str, match: str, *, live: bool = True) -> str:
    """The badge's small line: the year and whose check it is, in the room there is.

    live: our data is fresh, so the badge may call itself live (when it is not,
    the line above says the date of our data instead).
    """
    whose = presenter.match_words(match).whose
    where = "live from DSPT Lookup" if live else "from DSPT Lookup"
    if year and whose:
        return f"{year} result of its {whose}"
    if year:
        return f"{year} result · {where}"
    if whose:
        return f"Result of its {whose}"
    return "Live result from DSPT Lookup" if live else "Result from DSPT Lookup"


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _changed_at(location, assessment, today: dt.date) -> dt.datetime:
    """When what the badge shows last changed: a data update, or the day a result stopped counting."""
    times = [location.updated_at]
    if location.dspt_organisation:
        times.append(location.dspt_organisation.updated_at)
    if assessment and assessment.first_seen_at:
        times.append(assessment.first_seen_at)
    if assessment and assessment.year_start is not None:
        lapsed = current_until(assessment.year_start) + dt.timedelta(days=1)
        if lapsed <= today:
            times.append(_start_of(lapsed))
    return max(times)


def alt_text(location) -> str:
    """The alt text in a copied snippet. It must stay true after the result changes, so it names no result."""
    return f"{location.display_name}: live Data Security and Protection Toolkit (DSPT) result, from DSPT Lookup"


@functools.lru_cache(maxsize=10_000)  # a badge is immutable; the same picture for it, each time (about 1.5 KB)
def render_svg(badge: Badge) -> str:
    return render_to_string("results/badge.svg", {"badge": badge, "width": WIDTH, "height": HEIGHT})


def render_png(badge: Badge, *, scale: int = 1, cached: bool = True) -> bytes:
    """The badge as PNG (for email programs, which do not show SVG), cached by version and scale:
    the last few thousand in this process, then in the shared cache.

    cached=False draws it without the caches (the shared one lives in the database), for the outage badge.
    """
    return _remembered_png(badge, scale) if cached else _draw_png(badge, scale)


@functools.lru_cache(maxsize=2_000)  # about 10 KB each
def _remembered_png(badge: Badge, scale: int) -> bytes:
    key = f"badge-png:{badge.version}:{scale}"
    png = cache.get(key)
    if png is None:
        png = _draw_png(badge, scale)
        cache.set(key, png, PNG_CACHE_SECONDS)
    return png


def _draw_png(badge: Badge, scale: int) -> bytes:
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=render_svg(badge), zoom=scale, skip_system_fonts=True,
                                       font_files=FONT_FILES, sans_serif_family="Liberation Sans"))


def snippets(context: dict) -> dict[str, str]:
    """Copy-and-paste code for a website, an email signature and a letter.

    The alt text and words name the service and say the result is live, never
    today's result, so they stay true when the result changes; the picture
    itself (the SVG's <title>, the PNG's pixels) carries the live result.
    """
    page, alt = context["page_url"], context["badge_alt"]
    website = format_html('<a href="{}"><img src="{}" alt="{}" width="{}" height="{}"></a>',
                          page, context["badge_url"], alt, WIDTH, HEIGHT)
    email = format_html(
        '<a href="{}"><img src="{}" alt="{}" width="{}" height="{}"></a><br>'
        'See our live data security check (DSPT) result: <a href="{}">{}</a>',
        page, context["badge_png_2x_url"], alt, WIDTH, HEIGHT, page, page)
    letter = (f"{context['location'].display_name} publishes a yearly data security check, the Data Security and "
              f"Protection Toolkit (DSPT). You can see our live result at {page} or by scanning the QR code.")
    return {"website": website, "email": email, "letter": letter}

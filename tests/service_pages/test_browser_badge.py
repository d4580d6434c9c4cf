"""The badge and the poster, looked at in Chromium: nothing overlaps, nothing is clipped, one A4 page.

Every badge variant is opened as a provider's website would show it, at 50%,
100% and 200%, and measured: the icon and every line of words lie inside the
badge and do not touch each other. A PNG of each is saved under
test-artefacts/badges/ for a person to look at.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from providers.register.matching import rematch_locations
from providers.register.models import Location
from tests.browser_support import ARTEFACTS, count_pdf_pages, skip_without_chromium
from tests.factories import LocationFactory, current_year, organisation_with_status, published_for

skip_without_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (status, year) giving each result on the test's day ("current": a year that counts then).
VARIANTS = {
    "meets": dict(status="met", year_start="current"),
    "exceeded": dict(status="exceeded", year_start="current"),
    "approaching": dict(status="approaching", year_start="current"),
    "not_met": dict(status="not_met", year_start="current"),
    "out_of_date": dict(status="met", year_start=2019),
    "not_published": dict(status="not_published", year_start=None),
    "unknown": dict(status="other", year_start=2018),
    "not_found": None,
    "dormant": dict(status="met", year_start="current"),
    "deregistered": dict(status="met", year_start="current"),
    # The longest lines there are: a provider's check, with our data 40 days old (the top line gives its date).
    "provider_old_data": dict(status="approaching", year_start="current"),
}

MEASURE = """(scale) => {
  const svg = document.documentElement;
  svg.setAttribute('width', 360 * scale);
  svg.setAttribute('height', 88 * scale);
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {
    frame: box(document.getElementById('badge-frame')),
    icon: box(document.getElementById('badge-icon')),
    texts: [...document.querySelectorAll('text')].map((t) => ({words: t.textContent, box: box(t)})),
  };
}"""


def make_variant(name: str) -> Location:
    rule = VARIANTS[name]
    code = f"VBG{len(name):02d}{name[:1].upper()}"
    if rule:
        year = current_year() if rule["year_start"] == "current" else rule["year_start"]
        organisation_with_status(ods_code=code, status=rule["status"], year_start=year, status_text="x",
                                 published_on=published_for(year))
    by_provider = name.startswith("provider")
    location = LocationFactory(name=f"Badge {name}", ods_code=code if rule and not by_provider else "",
                               provider__ods_code=code if by_provider else "",
                               dormant=name == "dormant",
                               deregistered_on=dt.date(2025, 1, 1) if name == "deregistered" else None)
    rematch_locations()
    return location


def inside(inner, outer) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("name", VARIANTS)
def test_every_badge_fits_at_every_size(site, page, name, time_machine):
    if name.endswith("old_data"):
        time_machine.move_to(DATA_AGES["40 days old"], tick=True)
    location = make_variant(name)
    page.goto(site + reverse("badge", args=[location.cqc_location_id]))
    if name.endswith("old_data"):
        words = [text.text_content() for text in page.locator("css=text").all()]
        assert words[0] == "DSPT result as of 20 Nov 2026" and "result of its provider" in words[2], words
    for scale in (0.5, 1, 2):
        found = page.evaluate(MEASURE, scale)
        frame, icon, texts = found["frame"], found["icon"], found["texts"]
        assert inside(icon, frame), (name, scale, icon, frame)
        for text in texts:
            assert inside(text["box"], frame), (name, scale, text)
            assert not overlap(text["box"], icon), (name, scale, text, icon)
        for upper, lower in zip(texts, texts[1:]):
            assert not overlap(upper["box"], lower["box"]), (name, scale, upper, lower)
        # Room to spare on the right, so a slightly wider font still fits.
        assert max(t["box"][2] for t in texts) <= frame[2] - 8 * scale, (name, scale)
        (ARTEFACTS / "badges").mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": int(380 * scale), "height": int(100 * scale)})
        page.screenshot(path=ARTEFACTS / "badges" / f"{name}-{int(scale * 100)}.png")


def test_the_png_badge_matches_the_svg(site, page):
    location = make_variant("approaching")
    page.set_viewport_size({"width": 800, "height": 400})
    page.goto(site + reverse("badge_png_2x", args=[location.cqc_location_id]))
    size = page.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [720, 176]
    (ARTEFACTS / "badges").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / "badges" / "approaching-png-2x.png")


def test_the_service_page_preview_shows_the_badge_whole(site, page):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(site + "/services/1-545611283/")
    page.click("text=Show this result on your website")
    image = page.locator("#show-result ~ details img").first
    width = image.evaluate("img => [img.naturalWidth, img.getBoundingClientRect().right]")
    assert width[0] == 360 and width[1] <= 320  # scaled down to fit a phone, not cut off


# The sample's DSPT data is of 20 November 2026: fresh in the week it came out, 40 days old on 30 December.
DATA_AGES = {"fresh": None, "40 days old": dt.datetime(2026, 12, 30, 10, 0, tzinfo=dt.timezone.utc)}


@pytest.mark.parametrize("age", DATA_AGES)
@pytest.mark.parametrize("path", ["poster", "poster_easy_read"])
def test_each_poster_prints_on_one_a4_page(site, page, path, age, time_machine):
    if DATA_AGES[age]:
        time_machine.move_to(DATA_AGES[age], tick=True)
    page.goto(site + reverse(path, args=["1-545611283"]))
    if DATA_AGES[age]:
        assert page.locator(".app-freshness-warning").is_visible()  # the screen says the data is old...
    page.emulate_media(media="print")
    assert not page.locator(".app-freshness-warning").is_visible()  # ...paper does not: it says the date itself
    assert page.inner_text("#poster-checked").startswith("Result checked on 20 November 2026")
    name = f"{path}-{age.split()[0]}"
    (ARTEFACTS / "posters").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / "posters" / f"{name}.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (ARTEFACTS / "posters" / f"{name}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"{path} prints on {pages} pages"
    checked = page.locator("#poster-checked").bounding_box()
    assert checked["height"] < 40, "'Result checked on' takes one line"
    # Nothing is cut off at the sides of the printed page, and no words spill out of their box.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    spilled = page.evaluate("""[...document.querySelectorAll('.app-poster, .app-poster *')]
        .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible'
                        || el.matches('.app-status') && el.scrollWidth > el.clientWidth + 1)
        .map((el) => el.className)""")
    assert spilled == []
    assert page.locator("[role=img][aria-label^='QR code for']").count() == 1


@pytest.mark.parametrize("case", ["example", "everything ticked, longest answers"])
def test_a_privacy_summary_prints_on_exactly_two_a4_pages(site, page, case, time_machine):
    """Plain summary on page one, Easy Read on page two, whatever a care service ticks (and however old our data)."""
    time_machine.move_to(DATA_AGES["40 days old"], tick=True)
    folder = ARTEFACTS / "privacy-summary"
    folder.mkdir(parents=True, exist_ok=True)
    if case == "example":
        page.goto(site + "/privacy-summary/example/")
    else:
        page.goto(site + "/privacy-summary/")
        page.fill("#service_name", "Wide " * 15 + "Home")  # 80 characters, the most allowed
        for box in page.locator("input[type=checkbox]").all():
            box.check()
        for name in ("keeps_other", "reasons_other", "shares_other", "safety_other"):
            page.fill(f"#{name}", "Long answer " * 4 + "and the very end.")  # 60 characters, the most allowed
        page.fill("#keep_years", "50")
        page.fill("#contact_name", "our registered manager, Alexandra Montgomery-Smithson")
        page.fill("#contact_phone", "0161 496 0000")
        page.fill("#contact_email", "someone.with.a.long.address@example.org")
        page.click("text=Make my summary")
        page.wait_for_selector("#easy-title")
    page.screenshot(path=folder / f"{case.split(',')[0].replace(' ', '-')}-screen.png", full_page=True)
    # Lay the page out as on A4 paper: 210 mm less 12 mm margins each side is 186 mm, 703 CSS pixels.
    page.set_viewport_size({"width": 703, "height": 1000})
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (folder / f"{case.split(',')[0].replace(' ', '-')}.pdf").write_bytes(pdf)
    assert count_pdf_pages(pdf) == 2
    # Each sheet fits its page: nothing is hidden by the page-sized box.
    clipped = page.evaluate("""[...document.querySelectorAll('.app-sheet')]
        .map((sheet) => sheet.scrollHeight - sheet.clientHeight)""")
    assert all(extra <= 1 for extra in clipped), clipped


@pytest.mark.parametrize("path", ["leaflet", "leaflet_easy_read"])
def test_each_leaflet_prints_on_one_a4_page_with_nothing_cut_off(site, page, path, time_machine):
    time_machine.move_to(DATA_AGES["40 days old"], tick=True)  # however old our data is
    page.set_viewport_size({"width": 703, "height": 1000})  # A4 less 12 mm margins, in CSS pixels
    page.goto(site + reverse(path))
    page.emulate_media(media="print")
    (ARTEFACTS / "leaflets").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / "leaflets" / f"{path}.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (ARTEFACTS / "leaflets" / f"{path}.pdf").write_bytes(pdf)
    assert count_pdf_pages(pdf) == 1
    clipped = page.evaluate("[...document.querySelectorAll('.app-leaflet')].map((e) => e.scrollHeight - e.clientHeight)")
    assert clipped == [0] or all(extra <= 1 for extra in clipped), clipped
    # The QR code and the address are on the printed page, inside the leaflet's box.
    leaflet, qr = page.locator(".app-leaflet").bounding_box(), page.locator(".app-leaflet .app-poster__qr svg").bounding_box()
    assert qr["y"] + qr["height"] <= leaflet["y"] + leaflet["height"]
    assert page.locator(".app-leaflet .app-poster__url").is_visible()
    # No header, footer or website furniture on paper.
    assert not page.locator("header.nhsuk-header").is_visible() and not page.locator("footer").is_visible()


def test_a_hostile_name_prints_as_text_on_the_poster(site, page):
    """Imported text in a PDF: the name is printed as written, never run or drawn as markup."""
    import io

    from pypdf import PdfReader

    name = "<b>Bold</b> & \"Co\" <script>alert(1)</script>"
    Location.objects.filter(cqc_location_id="1-545611283").update(name=name)
    page.goto(site + reverse("poster", args=["1-545611283"]))
    assert page.locator("#poster-name b").count() == 0 and page.inner_text("#poster-name") == name
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())  # lines wrap where they will
    assert "".join(name.split()) in text

"""The letter maker in Chromium: made with JavaScript off from a service page, each letter one printed
A4 page, and axe (WCAG 2.2 AA) at 320, 390 and 1280 px with JavaScript on and off.

PDFs and screenshots are saved under test-artefacts/letters/ for a person to look at.
"""

import pytest

from providers.rights import words
from tests.browser_support import (
    ARTEFACTS,
    axe_violations,
    count_pdf_pages,
    page_without_scripts,
    skip_without_chromium,
)

skip_without_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FOLDER = ARTEFACTS / "letters"
SERVICE = "1-545611283"  # Sunny Side Care Home in the sample data
LONGEST = {"#their_name": "Alexandra " * 7 + "Montgomery", "#your_name": "Bartholomew " * 6 + "Fitzwilliam",
           "#details": ("My care plan says the wrong things about my medicines and my family, and the dates are "
                        "wrong too. ") * 6}


def make_letter(page, site, kind: str, *, who: str = "someone", longest: bool = True) -> None:
    """From the service page, as a person would: the link, the questions, the button."""
    page.goto(f"{site}/services/{SERVICE}/")
    page.click("#write-letter")
    page.check(f"input[name=kind][value={kind}]")
    page.check(f"input[name=who][value={who}]")
    if longest:
        for field, value in LONGEST.items():
            page.fill(field, value)
    page.click("text=Make my letter")
    page.wait_for_selector("#easy-letter-title")


@pytest.mark.parametrize("kind", list(words.KINDS))
def test_each_letter_prints_on_one_a4_page_with_javascript_off(site, browser, kind):
    """The plain letter on page one, Easy Read on page two, however long the answers (the most allowed)."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    make_letter(page, site, kind)
    assert "Your letter to Sunny Side Care Home" in page.inner_text("h1")
    assert "Sunny Side Care Home" in page.inner_text(".app-letter__to")
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=FOLDER / f"{kind}-390px.png", full_page=True)
    page.set_viewport_size({"width": 703, "height": 1000})  # A4 less 12 mm margins, in CSS pixels
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (FOLDER / f"{kind}.pdf").write_bytes(pdf)
    assert count_pdf_pages(pdf) == 2
    clipped = page.evaluate("[...document.querySelectorAll('.app-letter')].map((e) => e.scrollHeight - e.clientHeight)")
    assert len(clipped) == 2 and all(extra <= 1 for extra in clipped), clipped
    # On paper: only the letters, no header, footer, buttons or form.
    assert not page.locator("header.nhsuk-header").is_visible() and not page.locator("#letter-text").is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript on", "JavaScript off"])
def test_the_letter_maker_passes_axe_at_every_width(site, browser, javascript):
    def axe_when_settled(page):
        page.wait_for_load_state("networkidle")  # with JavaScript on, the header menu lays itself out first
        return axe_violations(page)

    failures = {}
    for width in (320, 390, 1280):
        if javascript:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
        else:
            context, page = page_without_scripts(browser, width=width)
        page.goto(f"{site}/your-rights/?service={SERVICE}")
        page.click("text=Make my letter")  # nothing chosen: the error summary
        page.wait_for_selector(".nhsuk-error-summary")
        steps = {"errors": axe_when_settled(page)}
        make_letter(page, site, "concern", longest=False)
        steps["letters"] = axe_when_settled(page)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            steps["wider than the screen"] = [page.evaluate("document.documentElement.scrollWidth")]
        page.screenshot(path=FOLDER / f"concern-{width}px-{'js' if javascript else 'no-js'}.png", full_page=True)
        page.click("text=Change your answers")
        assert page.is_checked("input[name=kind][value=concern]")
        steps["changing answers"] = axe_when_settled(page)
        failures.update({f"{step} at {width}px": found for step, found in steps.items() if found})
        context.close()
    assert not failures, failures

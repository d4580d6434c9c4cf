"""What the browser tests share: Debian's Chromium, axe, the artefacts folder.

The fixtures (`browser`, `site`, `page`) are in tests/conftest.py.

Needs /usr/bin/chromium (`.ci/run` installs it). Without it the browser tests
are skipped, unless REQUIRE_BROWSER=1 is set, when they fail instead. Pictures
a person should look at are saved under test-artefacts/ (see ARTEFACTS).
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts"


def skip_without_chromium() -> None:
    """Call at the top of a browser test module: skips it when Chromium is missing (unless REQUIRE_BROWSER=1)."""
    if not CHROMIUM.exists() and os.environ.get("REQUIRE_BROWSER") != "1":
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def page_without_scripts(browser, *, width: int):
    """A page in which no script runs, as with JavaScript off, but where axe can still be injected.

    (With Chromium's own JavaScript switch off, axe's promise never settles.)
    The app has no inline scripts (its Content Security Policy forbids them),
    so blocking every script file gives exactly the page a visitor without
    JavaScript sees.
    """
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/*.js", lambda route: route.abort())
    return context, context.new_page()


def look_at(page, *, width: int, screenshot: Path) -> list[str]:
    """Save a full-page screenshot for a person to look at; return what is wrong: axe's findings, and the page
    being wider than the screen."""
    page.screenshot(path=screenshot, full_page=True)
    found = axe_violations(page)
    if page.evaluate("document.documentElement.scrollWidth") > width:
        found.append("wider than the screen")
    return found


def count_pdf_pages(pdf: bytes) -> int:
    """How many pages Chromium printed (each page object in the PDF)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))

"""Screenshots of the admin import screens, from a running `make run` (docs/screenshots/fresh-data/).

Usage: BASE=http://127.0.0.1:8000 USER=admin PASSWORD=... CODE=<the code your app shows> python scripts/screenshots_admin_import.py
Uploads the sample .ods, photographs the report while it waits and when the
preview is ready, then the run list at 1280 px.
"""

import os
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = os.environ.get("BASE", "http://127.0.0.1:8000")
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "fresh-data"
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "16_November_2026_HSCA_Active_Locations.ods"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{BASE}/admin/login/")
        page.fill("#id_username", os.environ["USER"])
        page.fill("#id_password", os.environ["PASSWORD"])
        page.click("input[type=submit]")
        page.fill("#id_code", os.environ["CODE"])  # the code your authenticator app shows now
        page.click("input[type=submit]")
        page.goto(f"{BASE}/admin/providers/importrun/upload/")
        page.check("input[value=cqc]")
        page.set_input_files("#id_file", str(SAMPLE))
        started = time.monotonic()
        page.click("input[type=submit]")
        print(f"upload answered in {time.monotonic() - started:.2f} s: {page.url}")
        page.screenshot(path=OUT / "1-report-while-waiting-1280.png", full_page=True)
        for _ in range(60):
            if "Preview ready" in page.content():
                break
            time.sleep(1)
            page.reload()
        print(f"preview ready after {time.monotonic() - started:.1f} s")
        page.screenshot(path=OUT / "2-preview-ready-1280.png", full_page=True)
        page.goto(f"{BASE}/admin/providers/importrun/")
        page.screenshot(path=OUT / "3-run-list-1280.png", full_page=False)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        print(f"run list width {widths[0]} in a {widths[1]} px window")
        page.goto(f"{BASE}/admin/providers/importrun/sources/")
        page.screenshot(path=OUT / "4-data-downloads-1280.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main()

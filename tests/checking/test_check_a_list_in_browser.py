"""The list check in Chromium at a phone's width and a desktop's, with JavaScript on and off: upload a council's
messy list, read the answer, download the list back. Screenshots in test-artefacts/checking/ (looked at)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.browser_support import ARTEFACTS, look_at, page_without_scripts, skip_without_chromium
from tests.checking.test_check_a_list import HEADINGS, MESSY, messy_xlsx

skip_without_chromium()
pytestmark = pytest.mark.browser
SHOTS = ARTEFACTS / "checking"


@pytest.mark.parametrize("width, scripts", [(390, False), (1280, True)])
def test_a_council_checks_its_list_and_downloads_the_answer(site, lincolnshire_loaded, browser, width, scripts,
                                                            tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    if scripts:
        context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        page = context.new_page()
    else:
        context, page = page_without_scripts(browser, width=width)
    mode = "js" if scripts else "no-js"
    page.goto(site + reverse("for_councils"))
    page.get_by_role("link", name="Upload your list").click()
    assert look_at(page, width=width, screenshot=SHOTS / f"check-a-list-{width}-{mode}.png") == []

    upload = tmp_path / "Our care services 2026.xlsx"
    upload.write_bytes(messy_xlsx())
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="Check my list").click()
    page.wait_for_selector("h1:has-text('care services checked')")
    assert page.locator("h1").inner_text() == f"Your list: {len(MESSY)} care services checked"
    assert look_at(page, width=width, screenshot=SHOTS / f"checked-{width}-{mode}.png") == []
    assert page.get_by_text("It could be one of these").count() == 1  # The Gables

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download as Excel (.xlsx)").click()
    download = waiting.value
    assert download.suggested_filename == "Our care services 2026 checked.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[:7] == HEADINGS)
    assert len(rows) - header - 1 == len(MESSY) and rows[header][7] == "DSPT Lookup: CQC location ID"
    context.close()

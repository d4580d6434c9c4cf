"""The next day's file (issue 43): the rows we read before are recognised by their fingerprint and not read
again; only their date moves on. A changed row, or an organisation changed since by other hands, is read
whole."""

import datetime as dt

import pytest

from providers.imports.models import ImportRun
from providers.imports.sources import import_dspt_file
from providers.register.models import DsptAssessment, DsptOrganisation
from tests.imports.test_real_files import DSPT_2023_NHS

pytestmark = pytest.mark.django_db
NEXT_DAY = "DSPT search results 18_10_2023 08_55_43.csv"  # the real file's rows, a day later


def _state():
    return sorted(DsptOrganisation.objects.values_list("ods_code", "name", "primary_sector", "integrated_care_board",
                                                       "current_assessment_id"))


def _held(code: str):
    return DsptOrganisation.objects.get(ods_code=code)


def test_the_next_days_file_is_recognised_row_by_row(tmp_path):
    first = import_dspt_file(path=DSPT_2023_NHS)
    assert first.state == ImportRun.State.SUCCEEDED and "rows as we hold them" not in first.preview
    assert DsptOrganisation.objects.filter(row_fingerprint=None).count() == 0
    before, records = _state(), DsptAssessment.objects.count()

    next_day = tmp_path / NEXT_DAY
    next_day.write_bytes(DSPT_2023_NHS.read_bytes())
    run = import_dspt_file(path=next_day)
    assert run.state == ImportRun.State.SUCCEEDED
    assert run.preview["rows as we hold them"] == [
        "364 rows are the rows we read before: recognised by their fingerprint, only their date moves on"]
    assert (run.added, run.changed, run.unchanged) == (0, 0, 364)
    assert "matching" not in run.timings  # nothing changed, so no match can have
    assert _state() == before and DsptAssessment.objects.count() == records
    assert set(DsptOrganisation.objects.values_list("data_as_of", flat=True)) == {dt.date(2023, 10, 18)}


def test_a_changed_row_and_an_organisation_changed_by_other_hands_are_read_whole(tmp_path):
    import_dspt_file(path=DSPT_2023_NHS)
    lines = DSPT_2023_NHS.read_text(encoding="utf-8-sig").splitlines()
    code = lines[1].split(",")[0]
    other = lines[2].split(",")[0]
    # An admin renames one organisation: its fingerprint goes, so the next file puts the published name back.
    edited = _held(other)
    published_name = edited.name
    edited.name = "A NAME TYPED BY HAND"
    edited.save()
    assert _held(other).row_fingerprint is None
    changed = [line.replace("22/23 Standards Met", "23/24 Standards Met", 1) if line.startswith(code + ",") else line
               for line in lines]
    assert changed != lines
    next_day = tmp_path / NEXT_DAY
    next_day.write_text("\n".join(changed) + "\n", encoding="utf-8")
    run = import_dspt_file(path=next_day)
    assert run.state == ImportRun.State.SUCCEEDED
    assert run.preview["rows as we hold them"][0].startswith("362 rows")
    assert _held(code).current_assessment.status_text == "23/24 Standards Met"
    assert _held(other).name == published_name and _held(other).row_fingerprint is not None
    assert "matching" in run.timings

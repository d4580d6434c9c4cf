"""Importing the postcode lookup table (ONS / NSPL format)."""

import pytest

from providers.imports.models import ImportRun
from providers.imports.sources import import_postcodes_file
from providers.search.models import Postcode
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db
SAMPLE = FIXTURES / "postcodes_sample.csv"


def test_import_nspl_style_file():
    run = import_postcodes_file(path=SAMPLE)
    assert run.state == ImportRun.State.SUCCEEDED
    assert (run.added, run.skipped) == (5, 1)
    assert run.skipped_reasons == {"no coordinates": 1}
    assert Postcode.objects.get(postcode="L8 1AA").latitude == pytest.approx(53.3899)


def test_reimport_replaces_the_table(write_file):
    import_postcodes_file(path=SAMPLE)
    run = import_postcodes_file(path=write_file("pc.csv", "Postcode,latitude,longitude\nl81aa,53.39,-2.95\n"))
    assert run.state == ImportRun.State.SUCCEEDED and run.removed == 5
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["L8 1AA"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("pcds,lat,long\nL8 1AA,north,-2.9\n", "Row 2: lat 'north' is not a number"),
        ("pcds,lat,long\nL8 1AA,53.3,-2.9\nl8 1aa,53.3,-2.9\n", "Row 3: postcode L8 1AA appears more than once"),
        ("name,town\nA,B\n", "We need a postcode column"),
        ("pcds,lat,long\nNOPE,53.3,-2.9\n", "no postcodes with coordinates"),
    ],
)
def test_bad_files_change_nothing(write_file, content, message):
    import_postcodes_file(path=SAMPLE)
    run = import_postcodes_file(path=write_file("bad.csv", content))
    assert run.state == ImportRun.State.FAILED
    assert message in " ".join([run.message, *run.errors])
    assert Postcode.objects.count() == 5

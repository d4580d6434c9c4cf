"""The matching ladder: each care service is linked to the DSPT publication that may cover it, and we say how.

1. its own ODS code; 2. its head office, from the NHS ODS care home site list;
3. its provider's ODS code; 4. its provider's name, when exactly one CQC
provider and one DSPT organisation share it; 5. close names wait for an admin.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from providers.imports import nhs_ods as ods_import
from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file, import_dspt_file, import_ods_file
from providers.register import matching
from providers.register.models import DsptOrganisation, Location, NameMatchCandidate, OdsCareHome
from tests.factories import LocationFactory, ProviderFactory, organisation_with_status
from tests.imports.test_real_files import DSPT_2019, LINCOLNSHIRE

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
ODS_SITES = FIXTURES / "ecarehomesite.csv"
ODS_HEAD_OFFICES = FIXTURES / "ecarehomehq.csv"

pytestmark = pytest.mark.django_db


def methods() -> Counter:
    return Counter(Location.objects.registered().values_list("dspt_match", flat=True))


def test_real_lincolnshire_services_match_the_real_2019_publication_by_code_and_by_name():
    assert import_cqc_file(path=LINCOLNSHIRE).state == ImportRun.State.SUCCEEDED
    assert import_dspt_file(path=DSPT_2019).state == ImportRun.State.SUCCEEDED
    found = methods()
    # 31 services publish under their own code; 75 more belong to a provider whose
    # name only one DSPT organisation shares (mostly head offices: "HOME FROM HOME CARE LTD (A560)").
    assert found["location"] == 31
    assert found["name"] == 75
    assert found["location"] + found["name"] >= 80
    assert found[""] == 356 - 31 - 75
    home_from_home = Location.objects.filter(provider__name="Home from Home Care Limited").select_related(
        "dspt_organisation")
    assert {(s.dspt_match, s.dspt_organisation.ods_code) for s in home_from_home} == {("name", "A560")}
    # Two DSPT organisations share "Country Court Care Homes 2 Limited"? No: one does, so it matches;
    # a provider name no organisation shares stays unmatched.
    assert not Location.objects.filter(provider__name="Linkage Community Trust").exclude(dspt_match="").exists()


def test_names_match_only_when_exactly_one_provider_and_one_organisation_share_them():
    organisation_with_status(ods_code="A111")
    DsptOrganisation.objects.filter(ods_code="A111").update(name="CAFÉ & SONS CARE LTD (A111)")
    unique = LocationFactory(provider=ProviderFactory(name="Cafe and Sons Care Limited"))
    organisation_with_status(ods_code="A222")
    organisation_with_status(ods_code="A223")
    DsptOrganisation.objects.filter(ods_code__in=["A222", "A223"]).update(name="TWIN CARE LTD")
    twin = LocationFactory(provider=ProviderFactory(name="Twin Care Limited"))
    organisation_with_status(ods_code="A333")
    DsptOrganisation.objects.filter(ods_code="A333").update(name="SHARED NAME CARE")
    shared = [LocationFactory(provider=ProviderFactory(name="Shared Name Care Ltd")) for _ in range(2)]
    matching.rematch_locations()
    unique.refresh_from_db()
    assert (unique.dspt_match, unique.dspt_organisation.ods_code) == ("name", "A111")
    for location in [twin, *shared]:
        location.refresh_from_db()
        assert location.dspt_match == "" and location.dspt_organisation is None


def test_the_ladder_prefers_own_code_then_head_office_then_provider_code_then_name():
    for code in ("VOWN1", "AHQ1", "PROV1", "ANAME"):
        organisation_with_status(ods_code=code)
    DsptOrganisation.objects.filter(ods_code="ANAME").update(name="LADDER CARE LTD")
    provider = ProviderFactory(name="Ladder Care Ltd", ods_code="PROV1")
    own = LocationFactory(provider=provider, ods_code="VOWN1")
    site = LocationFactory(provider=provider, ods_code="VSITE")
    plain = LocationFactory(provider=provider, ods_code="")
    OdsCareHome.objects.create(code="VSITE", kind="site", name="A SITE", parent_code="AHQ1")
    by_name = LocationFactory(provider=ProviderFactory(name="Ladder Care"))  # same name key as ANAME... and provider
    matching.rematch_locations()
    got = {loc.pk: (loc.dspt_match, loc.dspt_organisation.ods_code if loc.dspt_organisation else None)
           for loc in Location.objects.all()}
    assert got[own.pk] == ("location", "VOWN1")
    assert got[site.pk] == ("head_office", "AHQ1")
    assert got[plain.pk] == ("provider", "PROV1")
    # "Ladder Care Ltd" and "Ladder Care" are two CQC providers with one name key: not unique, no name match.
    assert got[by_name.pk] == ("", None)


def test_a_site_that_left_its_head_office_is_not_matched_through_it():
    organisation_with_status(ods_code="AHQ2")
    location = LocationFactory(ods_code="VLEFT")
    OdsCareHome.objects.create(code="VLEFT", kind="site", name="LEFT", parent_code="AHQ2",
                               left_parent_on="2024-01-01")
    matching.rematch_locations()
    location.refresh_from_db()
    assert location.dspt_match == ""


def test_the_ods_site_file_links_sample_services_to_their_head_office(sample_loaded):
    before = methods()
    run = import_ods_file(path=ODS_SITES)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert (run.rows_read, run.added, run.error_count) == (4, 4, 0)
    assert OdsCareHome.objects.filter(kind="site").count() == 4
    after = methods()
    assert after["head_office"] == before["head_office"] + 1
    # Oak Tree House has no DSPT record of its own; its head office AJ0S published one.
    oak_tree = Location.objects.get(ods_code="VJ0T2")
    assert (oak_tree.dspt_match, oak_tree.dspt_organisation.ods_code) == ("head_office", "AJ0S")
    # St Joseph's Nursing Home published under its own code: that comes first.
    assert Location.objects.get(ods_code="VJ0S1").dspt_match == "location"
    assert "1 care services are now matched" in run.message
    # The head office list is told apart by its columns, and never removes sites.
    hq = import_ods_file(path=ODS_HEAD_OFFICES)
    assert hq.state == ImportRun.State.SUCCEEDED, (hq.message, hq.errors)
    assert OdsCareHome.objects.filter(kind="head_office").count() == 2
    assert OdsCareHome.objects.filter(kind="site").count() == 4
    # Importing the same site list again changes nothing.
    again = import_ods_file(path=ODS_SITES)
    assert (again.added, again.changed, again.unchanged, again.removed) == (0, 0, 4, 0)


def test_an_ods_row_that_cannot_be_read_is_set_aside_by_number(write_file, sample_loaded):
    rows = ODS_SITES.read_text().splitlines()
    bad = rows[0].replace("VJ0T2", "VJ0T9").replace(",20150301,", ",2015-03-01,", 1)
    path = write_file("ecarehomesite.csv", "\n".join([*rows, bad]) + "\n")
    run = import_ods_file(path=path, max_bad_share=0.5)
    assert run.state == ImportRun.State.SUCCEEDED
    assert run.errors == ["Row 5: Open Date '2015-03-01' is not a date in the form YYYYMMDD"]
    assert not OdsCareHome.objects.filter(code="VJ0T9").exists()
    # Under the usual 1% limit the same file is rejected whole, and nothing is written.
    OdsCareHome.objects.all().delete()
    assert import_ods_file(path=path).state == ImportRun.State.FAILED
    assert not OdsCareHome.objects.exists()


def test_a_file_that_is_not_an_ods_list_is_rejected_whole(write_file, sample_loaded):
    dspt_export = write_file("x.csv", "Code,Organisation Name,Status,Date Of Publication,Primary Sector,ICB\n"
                                      "V1,A,22/23 Standards Met,01/01/2023,Care Home,X\n")
    run = import_ods_file(path=dspt_export)
    assert run.state == ImportRun.State.FAILED and "its rows have 6 columns" in run.message
    with_headings = write_file("y.csv", ",".join(ods_import.SITE_HEADINGS) + "\n" + ODS_SITES.read_text())
    run = import_ods_file(path=with_headings)
    assert run.state == ImportRun.State.FAILED
    assert "first cell should be an organisation code" in run.message and "no header row" in run.message
    assert not OdsCareHome.objects.exists()


def test_close_names_wait_for_review_and_a_rejection_is_remembered(sample_loaded):
    organisation_with_status(ods_code="AREV1")
    DsptOrganisation.objects.filter(ods_code="AREV1").update(name="SUNRISE HOMECARE SERVICES LTD (AREV1)")
    location = LocationFactory(provider=ProviderFactory(name="Sunrise Home Care Services Limited"))
    matching.rematch_locations()
    candidate = NameMatchCandidate.objects.get(provider=location.provider)
    assert candidate.organisation.ods_code == "AREV1" and candidate.decision == "pending"
    assert 0.6 <= candidate.similarity < 1
    matching.reject_candidate(candidate=candidate, user="admin")
    # A re-import re-runs the ladder and the suggestions: the rejection stands, nothing new is suggested.
    assert import_dspt_file(path=FIXTURES / "DSPT search results 20_11_2026 09_15_02.csv").state == "succeeded"
    assert list(NameMatchCandidate.objects.filter(provider=location.provider).values_list("decision", flat=True)) \
        == ["rejected"]
    location.refresh_from_db()
    assert location.dspt_match == ""


def test_accepting_a_close_name_sets_the_providers_code_and_survives_a_cqc_reimport(sample_loaded, monkeypatch):
    organisation_with_status(ods_code="AM1S")
    DsptOrganisation.objects.filter(ods_code="AM1S").update(name="SMITH & DAUGHTERS HOMECARE LTD")
    matching.rematch_locations()
    harbour = Location.objects.get(ods_code="VM1SF")  # no DSPT record of its own
    assert harbour.dspt_match == ""
    candidate = NameMatchCandidate.objects.get(organisation__ods_code="AM1S")
    assert candidate.provider == harbour.provider
    others = NameMatchCandidate.objects.exclude(pk=candidate.pk).filter(decision="pending")
    others_before = set(others.values_list("pk", flat=True))
    # Only this provider's services can change: the other suggestions are not worked out again.
    monkeypatch.setattr(matching, "suggest_name_candidates", lambda: pytest.fail("suggestions worked out again"))
    matching.accept_candidate(candidate=candidate, user="admin")
    monkeypatch.undo()  # an import works them all out again
    assert set(others.values_list("pk", flat=True)) == others_before
    harbour.refresh_from_db()
    assert (harbour.dspt_match, harbour.dspt_organisation.ods_code) == ("provider", "AM1S")
    assert harbour.provider.ods_code == "AM1S"
    assert NameMatchCandidate.objects.get(pk=candidate.pk).decision == "accepted"
    # The CQC file has no provider codes: importing it again keeps the admin's decision.
    assert import_cqc_file(path=FIXTURES / "16_November_2026_HSCA_Active_Locations.ods").state == "succeeded"
    harbour.refresh_from_db()
    assert (harbour.provider.ods_code, harbour.dspt_match) == ("AM1S", "provider")

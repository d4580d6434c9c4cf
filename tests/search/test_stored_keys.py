"""The search texts and name keys PostgreSQL keeps for each row, by trigger (migration 0026).

dspt_search_text() was rewritten for speed: it must give exactly the words the
regular-expression version gave, or stored keys and typed searches would stop
agreeing. Its old definition is kept here as the reference and both are run on
every text of our real files and on made-up texts built from the awkward parts
(st/ste/saint, ltd/hq, codes in brackets, apostrophes, accents, odd spaces).
"""

import csv
import itertools
import random
from pathlib import Path

import pytest
from django.db import connection

from providers.register.models import DsptOrganisation, Location, Provider
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"

# dspt_search_text() and dspt_name_key() as migrations 0012 and 0025 defined them, before 0026.
REFERENCE = r"""
CREATE FUNCTION pg_temp.reference_search_text(a text, b text DEFAULT '', c text DEFAULT '', d text DEFAULT '')
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT btrim(regexp_replace(
           regexp_replace(
             regexp_replace(
               replace(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', a, b, c, d))),
                                      '[''`’‘]', '', 'g'), '&', ' and '),
               '[^a-z0-9]+', ' ', 'g'),
             '\m(st|saint|ste)\M', 'saint', 'g'),
           '\s+', ' ', 'g'))
$$;
CREATE FUNCTION pg_temp.reference_name_key(name text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT btrim(regexp_replace(
           regexp_replace(
             regexp_replace(
               pg_temp.reference_search_text(regexp_replace(coalesce(name, ''), '\(\s*[A-Za-z0-9]*[0-9][A-Za-z0-9]*\s*\)', ' ', 'g')),
               '\m(ltd|limited|plc|cic)\M', ' ', 'g'),
             '\s+hq\s*$', ''),
           '\s+', ' ', 'g'))
$$;
"""

PARTS = ["st", "St.", "ste", "Ste", "saint", "st5", "5st", "first", "stes", "ltd", "LIMITED", "plc", "cic", "hq", "HQ",
         "(VM8L1)", "( 8J031 )", "(CLOSED)", "St John's", "O’Brien", "‘quoted’", "`tick`", "&", "Smith&Sons", "Café",
         "Zoë", "Straße", "Ærø", "İstanbul", "a\tb", "x\u00a0y", "  ", "-", "_", "care_home", "24/7", "No.1", "1st"]


def real_texts() -> list[str]:
    texts = set()
    for path in REAL.glob("*.csv"):
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for cells in itertools.islice(csv.reader(handle), 40000):
                texts.update(cell for cell in cells[:8] if cell and len(cell) < 200)
    return sorted(texts)


def made_up_texts(count: int = 4000) -> list[str]:
    chosen = random.Random(20261207)
    return [" ".join(chosen.choice(PARTS) for _ in range(chosen.randint(1, 6))) for _ in range(count)]


def disagreements(texts: list[str]) -> list[tuple[str, str, str]]:
    from dsptlookup.database import use_import_timeout

    use_import_timeout()  # tens of thousands of texts through both functions: batch work, not a web query's 2 s
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE)
        cursor.execute("""
            SELECT t, public.dspt_search_text(t), pg_temp.reference_search_text(t) FROM unnest(%s::text[]) AS t
            WHERE public.dspt_search_text(t) IS DISTINCT FROM pg_temp.reference_search_text(t)
            UNION ALL
            SELECT t, public.dspt_name_key(t), pg_temp.reference_name_key(t) FROM unnest(%s::text[]) AS t
            WHERE public.dspt_name_key(t) IS DISTINCT FROM pg_temp.reference_name_key(t)""", [texts, texts])
        return cursor.fetchall()


def test_search_text_gives_the_words_the_regular_expressions_gave_for_every_real_text():
    texts = real_texts()
    assert len(texts) > 20000  # the 2019 publication alone has 31,970 organisations
    assert disagreements(texts) == []


def test_search_text_gives_the_same_words_for_awkward_made_up_texts():
    texts = made_up_texts() + [chr(code) for code in range(1, 128)] + [f"a{chr(code)}b st" for code in range(1, 128)]
    assert disagreements(texts) == []
    with connection.cursor() as cursor:  # and the rewrite does what the old one did with them
        cursor.execute("SELECT dspt_search_text('St Ste st st saint ST. John''s & Café'), "
                       "dspt_name_key('Ltd Limited PLC Care HQ (VM8L1)'), dspt_name_key('Smith Ltd HQ Ltd')")
        assert cursor.fetchone() == ("saint saint saint saint saint saint johns and cafe", "care", "smith")


def test_keys_are_kept_when_words_change_and_left_alone_otherwise():
    location = LocationFactory(name="St Ann's Lodge", town="Leeds")
    location.refresh_from_db()
    assert (location.search_name, location.search_town) == ("saint anns lodge", "leeds")
    location.name, location.town = "Ste Marie House", "Hexham"
    location.save()
    location.refresh_from_db()
    assert (location.search_name, location.search_town) == ("saint marie house", "hexham")
    assert "'marie':2A" in location.search_words

    Location.objects.filter(pk=location.pk).update(provider_name="Rowan & Co Ltd")
    assert "'rowan':" in Location.objects.get(pk=location.pk).search_words

    # A row whose words did not change keeps its keys (the trigger does not run); shown here by
    # overwriting a key by hand and seeing an unrelated update leave it as it is.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE providers_location SET search_area = 'marker' WHERE id = %s", [location.pk])
    Location.objects.filter(pk=location.pk).update(dspt_match="name")
    assert Location.objects.get(pk=location.pk).search_area == "marker"
    Location.objects.filter(pk=location.pk).update(local_authority="North Tyneside")
    assert Location.objects.get(pk=location.pk).search_area == "north tyneside"


def test_name_keys_follow_the_name():
    provider = Location.objects.get(pk=LocationFactory(provider__name="Rowan Care Ltd").pk).provider
    assert Provider.objects.get(pk=provider.pk).name_key == "rowan care"
    Provider.objects.filter(pk=provider.pk).update(name="Rowan Care (Holdings) Limited HQ")
    assert Provider.objects.get(pk=provider.pk).name_key == "rowan care holdings"
    organisation = DsptOrganisation.objects.create(ods_code="VM8L1", name="LANGDALE HOUSE LTD (VM8L1)")
    assert DsptOrganisation.objects.get(pk=organisation.pk).name_key == "langdale house"
    DsptOrganisation.objects.filter(pk=organisation.pk).update(data_as_of="2026-11-20")
    assert DsptOrganisation.objects.get(pk=organisation.pk).name_key == "langdale house"

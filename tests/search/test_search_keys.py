"""The search key of typed text is made in Python for plain ASCII; it must match the SQL function exactly.

The stored keys are made by dspt_search_text in PostgreSQL. If the two
disagreed, a name typed exactly would not match itself, so every real name
and address we hold is checked both ways.
"""

import csv
import random
import string
from pathlib import Path

import pytest
from django.db import connection

from providers.search.keys import search_key

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
TRICKY = [
    "St Mary's", "ST. JOHN'S HOUSE", "Ste-Anne", "Saint's Rest", "Stone St", "Firstst", "st", "S t",
    "Rose & Crown", "A&E", "&&", "O`Neill", "  lots   of   space  ", "L8 1AA", "1-545611283", "VLLWV",
    "Care_Home", "Home-from-home", "!!!", "", " ", "\t\n", "100% care", "C/O The Grange", "Mst Stx xst",
]
# Not ASCII: these go to the SQL function itself (accents, curly quotes); the answer must still be right.
NOT_ASCII = ["Café Court", "St Mary’s", "Zoë’s Place", "Ærø House", "Crème de la crème"]


def real_texts() -> list[str]:
    texts = []
    with open(REAL / "lincolnshire_ratings_as_hsca_layout.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            texts += [row["Location Name"], row["Location Street Address"], row["Location City"], row["Provider Name"]]
    with open(REAL / "cqc_care_homes_devon_api_2021.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            texts += [row["name"], row["postalAddressLine1"], row["postalAddressTownCity"]]
    return [text for text in texts if text]


def sql_keys(texts: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(dspt_search_text(t), '') FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) "
                       "ORDER BY n", [texts])
        return [row[0] for row in cursor.fetchall()]


def test_every_real_name_and_address_gets_the_same_key_as_the_database():
    texts = real_texts()
    assert len(texts) > 1000
    assert [search_key(text) for text in texts] == sql_keys(texts)


def test_tricky_and_random_ascii_gets_the_same_key_as_the_database():
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " \t"
    texts = TRICKY + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(2000)]
    assert [search_key(text) for text in texts] == sql_keys(texts)


def test_text_with_accents_or_curly_quotes_is_keyed_by_the_database():
    assert [search_key(text) for text in NOT_ASCII] == sql_keys(NOT_ASCII)
    assert search_key("Café Court") == "cafe court"
    assert search_key("St Mary’s") == "saint marys"


def test_a_nul_character_is_dropped_as_postgresql_would_refuse_it():
    assert search_key("Rose\x00bank") == search_key("Rosebank") == "rosebank"
    assert search_key("Caf\x00é") == "cafe"

"""The list of words search corrects typos against (providers.models.SearchWord).

Every word of every registered care service's name, brand, town, local
authority, street and provider name, with how many services use it. Rebuilt
in one statement after each CQC import, inside the import's transaction, so
it always agrees with the services people can find.
"""

from django.db import connection

from providers.models import Location, SearchWord

WORDS = SearchWord._meta.db_table
# One statement each: with server-side binding, psycopg sends one statement at a time.
REBUILD = [
    f"DELETE FROM {WORDS}",
    f"""INSERT INTO {WORDS} (word, services)
        SELECT word, count(DISTINCT id) FROM (
            SELECT l.id, unnest(tsvector_to_array(l.search_words)) AS word
            FROM {Location._meta.db_table} l WHERE l.deregistered_on IS NULL
        ) words
        WHERE length(word) <= 40
        GROUP BY word""",
    f"ANALYZE {WORDS}",
]


def rebuild_search_words() -> int:
    """Make the word list from the registered services. Returns how many words it holds."""
    with connection.cursor() as cursor:
        for statement in REBUILD:
            cursor.execute(statement)
        cursor.execute(f"SELECT count(*) FROM {WORDS}")
        return cursor.fetchone()[0]

"""The list of words search corrects typos against (providers.models.SearchWord).

Every word of every registered care service's name, brand, town, local
authority, street and provider name, with how many services use it. Rebuilt
in one statement after each CQC import that adds, changes, renames or removes
a service, inside the import's transaction, so it always agrees with the
services people can find (an import that changes none leaves it as it is). A service changed by
hand in the admin adds its words at once (add_words_of).
"""

from django.db import connection

from providers.register.models import Location
from providers.search.models import SearchWord

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


def add_words_of(*, location_id: int) -> None:
    """Add one service's words to the list, each counted once if new (after an edit by hand).

    Search relies on the list holding every word a service has: it searches
    the last typed word as a prefix only when a longer listed word starts
    with it. Counts and words no longer used are put right by the next
    import that changes a service; a whole rebuild here would hold the admin's save for
    seconds at ten times England's services.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {WORDS} (word, services)
                SELECT word, 1 FROM {Location._meta.db_table} l, unnest(tsvector_to_array(l.search_words)) AS word
                WHERE l.id = %s AND l.deregistered_on IS NULL AND length(word) <= 40
                ON CONFLICT (word) DO NOTHING""",
            [location_id])

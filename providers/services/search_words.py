"""The list of words search corrects typos against (providers.models.SearchWord).

Every word of every registered care service's name, brand, town, local
authority, street and provider name, with how many services use it. Rebuilt
in one statement after each CQC import, inside the import's transaction, so
it always agrees with the services people can find.
"""

from django.db import connection

from providers.models import Location, SearchWord

REBUILD = f"""
    DELETE FROM {SearchWord._meta.db_table};
    INSERT INTO {SearchWord._meta.db_table} (word, services)
    SELECT word, count(DISTINCT id) FROM (
        SELECT l.id, unnest(tsvector_to_array(l.search_words)) AS word
        FROM {Location._meta.db_table} l WHERE l.deregistered_on IS NULL
    ) words
    WHERE length(word) <= 40
    GROUP BY word;
    ANALYZE {SearchWord._meta.db_table};
"""


def rebuild_search_words() -> int:
    """Make the word list from the registered services. Returns how many words it holds."""
    with connection.cursor() as cursor:
        cursor.execute(REBUILD)
        cursor.execute(f"SELECT count(*) FROM {SearchWord._meta.db_table}")
        return cursor.fetchone()[0]

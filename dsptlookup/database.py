"""Database limits that change for work longer than a web request."""

from django.conf import settings
from django.db import connection
from django.utils import timezone


def use_import_timeout() -> None:
    """For the rest of this transaction, the import's statement timeout instead of the web's.

    Imports, rematching and an admin accepting a name match may run
    statements longer than a web query may (DATABASE_STATEMENT_TIMEOUT_MS).
    Also: while a long statement runs, the database checks every second that
    the client is still there, so a killed import is rolled back (and its
    lock freed) at once, not when the statement ends.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true), "
                       "set_config('client_connection_check_interval', '1s', true)",
                       [str(settings.IMPORT_STATEMENT_TIMEOUT_MS)])


def use_app_clock() -> None:
    """For the rest of this transaction, SQL's dspt_now() is the app's now (migration 0021).

    Rows an import stamps then agree with what Python calls now, whatever
    the database server's own clock says (and in tests, whatever date a test
    travels to).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('dsptlookup.now', %s, true)", [timezone.now().isoformat()])

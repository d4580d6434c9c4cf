"""dspt_now(): the app's "now" in SQL.

An import's statements stamp rows with the time (updated_at, first_seen_at).
The app's clock is Python's (django.utils.timezone.now(), which tests set
with time-machine); the database server's clock may differ. An import sets
`dsptlookup.now` for its transaction (dsptlookup/database.py, use_app_clock),
and its SQL asks dspt_now(), which falls back to now() when it is not set.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION dspt_now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(nullif(current_setting('dsptlookup.now', true), '')::timestamptz, now())
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("providers", "0020_room_to_update_organisations")]
    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS dspt_now();")]

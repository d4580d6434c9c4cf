"""Our SQL functions name the functions they call with their schema, so a pg_dump of the database restores.

pg_restore (and psql reading a pg_dump) runs with an empty search_path. Our
generated columns call dspt_name_key() and dspt_search_weighted(), which
called dspt_search_text() without "public.": restoring a backup failed at
the first row ("function dspt_search_text(text) does not exist"), found by
benchmarks/topology.py copying the benchmark database. Same results as
before, so no stored value changes.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION dspt_name_key(name text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
           regexp_replace(
             regexp_replace(
               public.dspt_search_text(regexp_replace(coalesce(name, ''), '\(\s*[A-Za-z0-9]*[0-9][A-Za-z0-9]*\s*\)', ' ', 'g')),
               '\m(ltd|limited|plc|cic)\M', ' ', 'g'),
             '\s+hq\s*$', ''),
           '\s+', ' ', 'g'))
$$;

CREATE OR REPLACE FUNCTION dspt_search_weighted(name text, brand text, town text, area text, street text,
                                                street2 text, provider text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple'::regconfig, public.dspt_search_text(name)), 'A')
      || setweight(to_tsvector('simple'::regconfig, public.dspt_search_text(town, area)), 'B')
      || setweight(to_tsvector('simple'::regconfig, public.dspt_search_text(street, street2)), 'C')
      || setweight(to_tsvector('simple'::regconfig,
                               public.dspt_search_text(provider, regexp_replace(brand, '^\s*brand\s+', '', 'i'))), 'D')
$$;

CREATE OR REPLACE FUNCTION dspt_search_compact(a text, b text DEFAULT '')
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(public.dspt_search_text(a, b), ' ', '')
$$;

CREATE OR REPLACE FUNCTION dspt_search_vector(a text, b text DEFAULT '', c text DEFAULT '', d text DEFAULT '')
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('simple'::regconfig, public.dspt_search_text(a, b, c, d))
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("providers", "0024_following")]
    operations = [migrations.RunSQL(FUNCTIONS, migrations.RunSQL.noop)]

"""Search keys and indexes.

dspt_search_text() turns text into a search key: lower case, accents
removed, "&" as "and", "St"/"St."/"Ste" as "saint", punctuation as spaces.
It is IMMUTABLE (it names the unaccent dictionary), so PostgreSQL can keep
generated columns and indexes on it.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION dspt_search_text(a text, b text DEFAULT '', c text DEFAULT '', d text DEFAULT '')
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
           regexp_replace(
             regexp_replace(
               replace(lower(public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', a, b, c, d))), '&', ' and '),
               '[^a-z0-9]+', ' ', 'g'),
             '\m(st|saint|ste)\M', 'saint', 'g'),
           '\s+', ' ', 'g'))
$$;

CREATE OR REPLACE FUNCTION dspt_search_compact(a text, b text DEFAULT '')
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(dspt_search_text(a, b), ' ', '')
$$;

CREATE OR REPLACE FUNCTION dspt_search_vector(a text, b text DEFAULT '', c text DEFAULT '', d text DEFAULT '')
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('simple'::regconfig, dspt_search_text(a, b, c, d))
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS dspt_search_vector(text, text, text, text);
DROP FUNCTION IF EXISTS dspt_search_compact(text, text);
DROP FUNCTION IF EXISTS dspt_search_text(text, text, text, text);
"""


class Migration(migrations.Migration):
    dependencies = [("providers", "0002_initial")]
    operations = [migrations.RunSQL(FUNCTIONS, DROP)]

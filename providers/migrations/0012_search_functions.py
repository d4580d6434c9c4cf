"""Search keys, second version (docs/adr/0013-search-ranking-and-typos.md).

- dspt_search_text() now drops apostrophes instead of splitting on them, so
  "St Joseph's" gives "saint josephs", as "ST JOSEPHS" does.
- dspt_search_weighted(): one tsvector with the service's name (weight A),
  its town and local authority (B), its street address (C) and its
  provider's name and brand (D; CQC writes brands as "BRAND Some Group", and
  the word BRAND is dropped), so one index finds them all and a search can
  rank a name above a place above a street above a provider.

Stored generated columns do not follow a changed function by themselves, so
every row that has a key is touched to make PostgreSQL compute it again.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION dspt_search_text(a text, b text DEFAULT '', c text DEFAULT '', d text DEFAULT '')
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
           regexp_replace(
             regexp_replace(
               replace(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', a, b, c, d))),
                                      '[''`’‘]', '', 'g'), '&', ' and '),
               '[^a-z0-9]+', ' ', 'g'),
             '\m(st|saint|ste)\M', 'saint', 'g'),
           '\s+', ' ', 'g'))
$$;

CREATE OR REPLACE FUNCTION dspt_search_weighted(name text, brand text, town text, area text, street text,
                                                street2 text, provider text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple'::regconfig, dspt_search_text(name)), 'A')
      || setweight(to_tsvector('simple'::regconfig, dspt_search_text(town, area)), 'B')
      || setweight(to_tsvector('simple'::regconfig, dspt_search_text(street, street2)), 'C')
      || setweight(to_tsvector('simple'::regconfig,
                               dspt_search_text(provider, regexp_replace(brand, '^\s*brand\s+', '', 'i'))), 'D')
$$;

UPDATE providers_provider SET name = name;
UPDATE providers_dsptorganisation SET name = name;
"""

DROP = """
DROP FUNCTION IF EXISTS dspt_search_weighted(text, text, text, text, text, text, text);
"""


class Migration(migrations.Migration):
    dependencies = [("providers", "0011_shared_ods_codes")]
    operations = [migrations.RunSQL(FUNCTIONS, DROP)]

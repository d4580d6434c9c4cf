"""Search keys and name keys are kept by triggers that run only when the words they are made of change.

They were stored generated columns, and PostgreSQL works out every stored
generated column of a row again on *any* UPDATE of it: matching a care
service to its DSPT record (which sets two columns) rebuilt its seven search
texts too, and so did noting the data date on each DSPT organisation. At
England scale that was most of an import's matching step (0.76 of 0.92 s
for 30,000 services) and half of applying a DSPT file again.

`ALTER COLUMN ... DROP EXPRESSION` keeps each column, its values and its
indexes; a BEFORE trigger now fills it on INSERT and on an UPDATE whose
words differ. The columns hold the same values as before (the same
functions make them), so nothing is worked out again here. The models still
describe them as GeneratedFields, so Django never writes them and reads
them back after a save (docs/adr/0023-search-keys-by-trigger.md).

dspt_search_text() and dspt_name_key() are now PL/pgSQL, and do with
replace() what needs no regular expression: a SQL function that calls
unaccent() (only STABLE) cannot be folded into the query that calls it, so
PostgreSQL ran it as a statement of its own for each value. 1.6 to 2 times
faster; the same words, checked against the old definitions on every real
name we hold and on made-up ones (tests/search/test_stored_keys.py).
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION dspt_search_text(a text, b text DEFAULT '', c text DEFAULT '', d text DEFAULT '')
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  words text := concat_ws(' ', a, b, c, d);
BEGIN
  -- Lower case without accents or apostrophes, '&' as 'and', every other run of
  -- non-letters as one space, and 'st'/'ste' as 'saint'.
  IF octet_length(words) = length(words) THEN  -- plain ASCII, which unaccent() leaves as it is
    words := replace(replace(lower(words), '''', ''), '`', '');
  ELSE
    words := translate(lower(public.unaccent('public.unaccent'::regdictionary, words)), '''`’‘', '');
  END IF;
  -- Each word is replaced twice: replace() passes over a word whose leading space it has just used.
  RETURN btrim(replace(replace(replace(replace(
           ' ' || regexp_replace(replace(words, '&', ' and '), '[^a-z0-9]+', ' ', 'g') || ' ',
           ' st ', ' saint '), ' st ', ' saint '), ' ste ', ' saint '), ' ste ', ' saint '));
END $$;

CREATE OR REPLACE FUNCTION dspt_name_key(name text)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  -- A code in brackets is not part of the name: 'Langdale House Ltd (VM8L1)'.
  words text := public.dspt_search_text(CASE WHEN name LIKE '%(%'
      THEN regexp_replace(name, '\(\s*[A-Za-z0-9]*[0-9][A-Za-z0-9]*\s*\)', ' ', 'g') ELSE coalesce(name, '') END);
BEGIN
  -- Without the words that say what kind of company it is, and a last word 'hq'.
  IF words LIKE '%hq%' THEN
    RETURN btrim(regexp_replace(regexp_replace(regexp_replace(words, '\m(ltd|limited|plc|cic)\M', ' ', 'g'),
                                               '\s+hq\s*$', ''), '\s+', ' ', 'g'));
  END IF;
  RETURN btrim(replace(replace(replace(replace(replace(replace(replace(replace(' ' || words || ' ',
           ' ltd ', ' '), ' ltd ', ' '), ' limited ', ' '), ' limited ', ' '), ' plc ', ' '), ' plc ', ' '),
           ' cic ', ' '), ' cic ', ' '));
END $$;

CREATE OR REPLACE FUNCTION dspt_location_search_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_words := public.dspt_search_weighted(NEW.name, NEW.brand_name, NEW.town, NEW.local_authority,
                                                   NEW.address_line_1, NEW.address_line_2, NEW.provider_name);
  NEW.search_name := public.dspt_search_text(NEW.name);
  NEW.search_town := public.dspt_search_text(NEW.town);
  NEW.search_area := public.dspt_search_text(NEW.local_authority);
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION dspt_set_name_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.name_key := public.dspt_name_key(NEW.name);
  RETURN NEW;
END $$;

ALTER TABLE providers_location
  ALTER COLUMN search_words DROP EXPRESSION, ALTER COLUMN search_name DROP EXPRESSION,
  ALTER COLUMN search_town DROP EXPRESSION, ALTER COLUMN search_area DROP EXPRESSION;
ALTER TABLE providers_provider ALTER COLUMN name_key DROP EXPRESSION;
ALTER TABLE providers_dsptorganisation ALTER COLUMN name_key DROP EXPRESSION;

CREATE TRIGGER location_search_keys_on_insert BEFORE INSERT ON providers_location
  FOR EACH ROW EXECUTE FUNCTION dspt_location_search_keys();
CREATE TRIGGER location_search_keys_on_update
  BEFORE UPDATE OF name, brand_name, town, local_authority, address_line_1, address_line_2, provider_name
  ON providers_location FOR EACH ROW
  WHEN ((OLD.name, OLD.brand_name, OLD.town, OLD.local_authority, OLD.address_line_1, OLD.address_line_2,
         OLD.provider_name)
        IS DISTINCT FROM (NEW.name, NEW.brand_name, NEW.town, NEW.local_authority, NEW.address_line_1,
                          NEW.address_line_2, NEW.provider_name))
  EXECUTE FUNCTION dspt_location_search_keys();
"""

NAME_KEY_TRIGGERS = r"""
CREATE TRIGGER {table}_name_key_on_insert BEFORE INSERT ON {table}
  FOR EACH ROW EXECUTE FUNCTION dspt_set_name_key();
CREATE TRIGGER {table}_name_key_on_update BEFORE UPDATE OF name ON {table}
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION dspt_set_name_key();
"""

FORWARD = FUNCTIONS + "".join(NAME_KEY_TRIGGERS.format(table=table)
                              for table in ("providers_provider", "providers_dsptorganisation"))


class Migration(migrations.Migration):
    dependencies = [("providers", "0025_functions_that_restore")]
    # No way back: a column cannot be made generated again in place.
    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]

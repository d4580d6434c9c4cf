"""dspt_name_key(): an organisation's name as a key for matching a CQC provider to a DSPT organisation.

The search text (providers/search/keys.py) without a bracketed code holding a
digit ("(A560)", "(R0B)", never "(UK)" or "(CLOSED)"), without company words
(Ltd, Limited, Plc, CIC) and without a trailing "HQ":
'Home From Home Care Ltd (A560)' and 'HOME FROM HOME CARE LIMITED' both give
'home from home care'.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION dspt_name_key(name text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
           regexp_replace(
             regexp_replace(
               dspt_search_text(regexp_replace(coalesce(name, ''), '\(\s*[A-Za-z0-9]*[0-9][A-Za-z0-9]*\s*\)', ' ', 'g')),
               '\m(ltd|limited|plc|cic)\M', ' ', 'g'),
             '\s+hq\s*$', ''),
           '\s+', ' ', 'g'))
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("providers", "0007_problem_reports")]
    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS dspt_name_key(text);")]

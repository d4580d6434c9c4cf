"""dspt_within(a, b): how alike two names are when one is almost wholly inside the other (providers/checking/).

"The Willows" is all of "The Willows Care Home": pg_trgm's word_similarity, taken both ways, says how alike the
shorter is to the part of the longer most like it. Below 0.8 the likeness is a few shared words ("care ltd"),
not one name inside another, so it counts for nothing (0) and the plain similarity decides. Functions named
with their schema, so a pg_dump restores (migration 0025).
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION public.dspt_within(a text, b text) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN w >= 0.8 THEN w ELSE 0 END
  FROM (SELECT greatest(public.word_similarity(a, b), public.word_similarity(b, a)) AS w) within
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("providers", "0031_limits_by_cost")]
    operations = [migrations.RunSQL(SQL, "DROP FUNCTION IF EXISTS public.dspt_within;")]

"""dspt_miles(lat1, lon1, lat2, lon2): the distance in miles between two points, along the Earth's surface.

One SQL function instead of the same formula built from a dozen Django
expressions on every postcode search: building and compiling those cost
about a millisecond a search. A one-line SQL function is inlined by the
planner, so the query runs as before.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION dspt_miles(lat1 double precision, lon1 double precision,
                                      lat2 double precision, lon2 double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 3958.8 * acos(least(1.0, cos(radians(lat1)) * cos(radians(lat2)) * cos(radians(lon2) - radians(lon1))
                                  + sin(radians(lat1)) * sin(radians(lat2))))
$$;
"""

DROP = "DROP FUNCTION IF EXISTS dspt_miles(double precision, double precision, double precision, double precision);"


class Migration(migrations.Migration):
    dependencies = [("providers", "0015_area_index")]
    operations = [migrations.RunSQL(FUNCTION, DROP)]

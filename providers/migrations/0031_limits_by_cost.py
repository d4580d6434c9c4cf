"""A second function of the shared limiter: limits measured by cost (dsptlookup/limits.py, `ask` and `spend`).

limit_cost(key, now, interval, burst, max_wait, cost), on the same table as limit_take:
- cost 0 asks: the seconds this client must wait before its next request may start (0: go now), or NULL when
  that is longer than max_wait; nothing is counted;
- a cost above 0 spends it: `cost` units are counted (`cost * interval` seconds of allowance), always, after
  the request has run, however far ahead that puts the client (a debt, paid back at the steady rate).
So a client is held back by what its requests cost (server seconds, for heavy pages), not by how many.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION public.limit_cost(p_key text, p_now double precision, p_interval double precision,
                                             p_burst double precision, p_max_wait double precision,
                                             p_cost double precision)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    old_tat double precision;
    old_seen double precision;
    wait double precision;
BEGIN
    INSERT INTO public.dsptlookup_limit (key, tat, seen) VALUES (p_key, p_now, p_now) ON CONFLICT (key) DO NOTHING;
    SELECT tat, seen INTO old_tat, old_seen FROM public.dsptlookup_limit WHERE key = p_key FOR UPDATE;
    IF old_seen > p_now + 60 THEN
        old_tat := p_now;  -- the clock went back: start this client again
    ELSE
        p_now := greatest(p_now, old_seen);  -- "now" never goes back for a key
    END IF;
    IF p_cost > 0 THEN
        UPDATE public.dsptlookup_limit SET tat = greatest(old_tat, p_now) + p_cost * p_interval, seen = p_now
        WHERE key = p_key;
        RETURN 0;
    END IF;
    wait := greatest(old_tat, p_now) - p_now - p_burst * p_interval;
    IF wait > p_max_wait + 1e-9 THEN
        RETURN NULL;
    END IF;
    RETURN greatest(wait, 0);
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("providers", "0030_import_runs_and_undo")]
    operations = [migrations.RunSQL(SQL, "DROP FUNCTION IF EXISTS public.limit_cost;")]

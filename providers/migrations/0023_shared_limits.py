"""The shared limiter's table and its one function (dsptlookup/limits.py).

limit_take(key, now, interval, burst, max_wait, dry) counts one request for
`key` by the generic cell rate algorithm and returns the seconds it must
wait (0 to go now), or NULL when it would wait longer than max_wait (then
nothing is counted). `tat` is the "theoretical arrival time": when this
client's allowance is next fully used. Locked per key (FOR UPDATE), so
requests arriving together at different app servers are counted one by one.
The table is unlogged: counts are lost on a crash, which only forgives.
"""

from django.db import migrations

SQL = """
CREATE UNLOGGED TABLE dsptlookup_limit (key text PRIMARY KEY, tat double precision NOT NULL);

CREATE OR REPLACE FUNCTION limit_take(p_key text, p_now double precision, p_interval double precision, p_burst double precision,
                           p_max_wait double precision, p_dry boolean) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    old_tat double precision;
    new_tat double precision;
    wait double precision;
BEGIN
    INSERT INTO dsptlookup_limit (key, tat) VALUES (p_key, p_now) ON CONFLICT (key) DO NOTHING;
    SELECT tat INTO old_tat FROM dsptlookup_limit WHERE key = p_key FOR UPDATE;
    -- No client can be further ahead than its burst and wait allow. Further means the clock went back,
    -- or the limit was changed: start that client again rather than lock it out until then.
    IF old_tat > p_now + p_burst * p_interval + p_max_wait THEN
        old_tat := p_now;
    END IF;
    new_tat := greatest(old_tat, p_now) + p_interval;
    wait := new_tat - p_now - p_burst * p_interval;
    IF wait > p_max_wait + 1e-9 THEN  -- (rounding: a wait of exactly max_wait is allowed)
        RETURN NULL;
    END IF;
    IF NOT p_dry THEN
        UPDATE dsptlookup_limit SET tat = new_tat WHERE key = p_key;
    END IF;
    RETURN greatest(wait, 0);
END
$$;
"""

REVERSE = "DROP FUNCTION IF EXISTS limit_take; DROP TABLE IF EXISTS dsptlookup_limit;"


class Migration(migrations.Migration):
    dependencies = [("providers", "0022_uploads_in_the_database")]
    operations = [migrations.RunSQL(SQL, REVERSE)]

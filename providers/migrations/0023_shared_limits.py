"""The shared limiter's table and its one function (dsptlookup/limits.py).

limit_take(key, now, interval, burst, max_wait, dry) counts one request for
`key` by the generic cell rate algorithm and returns the seconds it must
wait (0 to go now), or NULL when it would wait longer than max_wait (then
nothing is counted). `tat` is the "theoretical arrival time": when this
client's allowance is next fully used. Locked per key (FOR UPDATE), so
requests arriving together at different app servers are counted one by one,
each from the newest "now" seen for that key.
The table is unlogged: counts are lost on a crash, which only forgives.
"""

from django.db import migrations

SQL = """
CREATE UNLOGGED TABLE dsptlookup_limit (
    key text PRIMARY KEY,
    tat double precision NOT NULL,  -- the "theoretical arrival time"
    seen double precision NOT NULL  -- the latest "now" any caller gave for this key
);

CREATE OR REPLACE FUNCTION limit_take(p_key text, p_now double precision, p_interval double precision,
                                      p_burst double precision, p_max_wait double precision, p_dry boolean)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    old_tat double precision;
    old_seen double precision;
    new_tat double precision;
    wait double precision;
BEGIN
    INSERT INTO dsptlookup_limit (key, tat, seen) VALUES (p_key, p_now, p_now) ON CONFLICT (key) DO NOTHING;
    SELECT tat, seen INTO old_tat, old_seen FROM dsptlookup_limit WHERE key = p_key FOR UPDATE;
    IF old_seen > p_now + 60 THEN
        -- The clock went back (by more than app servers' clocks ever differ): start this client again
        -- rather than lock it out until the clock catches up.
        old_tat := p_now;
    ELSE
        -- Callers whose "now" is a moment older than another's (another server, or a request that
        -- waited for this row's lock) count from the newest, so "now" never goes back for a key.
        p_now := greatest(p_now, old_seen);
    END IF;
    IF old_tat > p_now + p_burst * p_interval + p_max_wait THEN
        old_tat := p_now;  -- further ahead than this limit allows: the limit was changed, so count afresh
    END IF;
    new_tat := greatest(old_tat, p_now) + p_interval;
    wait := new_tat - p_now - p_burst * p_interval;
    IF wait > p_max_wait + 1e-9 THEN  -- (rounding: a wait of exactly max_wait is allowed)
        RETURN NULL;
    END IF;
    IF NOT p_dry THEN
        UPDATE dsptlookup_limit SET tat = new_tat, seen = p_now WHERE key = p_key;
    END IF;
    RETURN greatest(wait, 0);
END
$$;
"""

REVERSE = "DROP FUNCTION IF EXISTS limit_take; DROP TABLE IF EXISTS dsptlookup_limit;"


class Migration(migrations.Migration):
    dependencies = [("providers", "0022_uploads_in_the_database")]
    operations = [migrations.RunSQL(SQL, REVERSE)]

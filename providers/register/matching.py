"""Match care services to the DSPT publication that may cover them: a ladder of methods.

Tried in this order for each care service; the first that finds a DSPT
organisation wins, and the method is stored in Location.dspt_match so every
page can say how the record was found (providers/results/presenter.py):

1. location     the service's own ODS code is in the DSPT data;
2. head_office  its ODS site record (NHS ODS care home list) names a head
                office that is in the DSPT data. A head office chooses which
                sites its check covers, so pages say it "may cover" the service;
3. provider     its provider's ODS code is in the DSPT data (NHS providers, or
                a code an admin set by accepting a name match);
4. name         exactly one CQC provider and exactly one DSPT organisation
                share the provider's normalised name (dspt_name_key()).

A Location ODS code used by registered services of two or more providers
says nothing certain about either: steps 1 and 2 skip it, and a service
left unmatched is marked 'shared_code' so its page says the match is
unclear instead of showing another organisation's result as its own.

Providers whose services are still unmatched and whose names are close to a
DSPT organisation's become NameMatchCandidates for an admin to accept or
reject (docs/adr/0010-matching-ladder.md).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from dsptlookup.database import use_app_clock, use_import_timeout
from providers import freshness
from providers.register.models import DsptOrganisation, Location, NameMatchCandidate, OdsCareHome, Provider

LOCATIONS = Location._meta.db_table
PROVIDERS = Provider._meta.db_table
ORGANISATIONS = DsptOrganisation._meta.db_table
ODS_CARE_HOMES = OdsCareHome._meta.db_table
CANDIDATES = NameMatchCandidate._meta.db_table

# Names at least this alike (pg_trgm similarity, 0 to 1) are suggested for review.
CANDIDATE_SIMILARITY = 0.6
CANDIDATES_PER_PROVIDER = 3

# Providers and DSPT organisations that are the only ones with their name key.
_UNIQUE_NAMES = f"""
    unique_provider_names AS (
        SELECT name_key FROM {PROVIDERS} WHERE name_key <> '' GROUP BY name_key HAVING count(*) = 1),
    unique_organisation_names AS (
        SELECT name_key, min(id) AS organisation_id FROM {ORGANISATIONS}
        WHERE name_key <> '' GROUP BY name_key HAVING count(*) = 1),
    name_matches AS (
        SELECT p.id AS provider_id, o.organisation_id
        FROM {PROVIDERS} p
        JOIN unique_provider_names USING (name_key)
        JOIN unique_organisation_names o USING (name_key)),
    shared_codes AS (
        SELECT ods_code FROM {LOCATIONS} WHERE ods_code <> '' AND deregistered_on IS NULL
        GROUP BY ods_code HAVING count(DISTINCT provider_id) > 1)"""

_LADDER = f"""
    WITH {_UNIQUE_NAMES},
    ladder AS (
        SELECT l.id,
               COALESCE(own.id, head.id, by_code.id, named.organisation_id) AS organisation_id,
               CASE WHEN own.id IS NOT NULL THEN 'location'
                    WHEN head.id IS NOT NULL THEN 'head_office'
                    WHEN by_code.id IS NOT NULL THEN 'provider'
                    WHEN named.organisation_id IS NOT NULL THEN 'name'
                    WHEN shared.ods_code IS NOT NULL THEN 'shared_code'
                    ELSE '' END AS how
        FROM {LOCATIONS} l
        JOIN {PROVIDERS} p ON p.id = l.provider_id
        LEFT JOIN shared_codes shared ON shared.ods_code = l.ods_code
        LEFT JOIN {ORGANISATIONS} own ON l.ods_code <> '' AND own.ods_code = l.ods_code AND shared.ods_code IS NULL
        LEFT JOIN {ODS_CARE_HOMES} site
               ON l.ods_code <> '' AND shared.ods_code IS NULL AND site.code = l.ods_code AND site.kind = 'site'
              AND site.parent_code <> '' AND site.left_parent_on IS NULL
        LEFT JOIN {ORGANISATIONS} head ON head.ods_code = site.parent_code
        LEFT JOIN {ORGANISATIONS} by_code ON p.ods_code <> '' AND by_code.ods_code = p.ods_code
        LEFT JOIN name_matches named ON named.provider_id = p.id)
    UPDATE {LOCATIONS} l
    SET dspt_organisation_id = ladder.organisation_id, dspt_match = ladder.how
    FROM ladder
    WHERE l.id = ladder.id
      AND (l.dspt_organisation_id IS DISTINCT FROM ladder.organisation_id OR l.dspt_match <> ladder.how)"""


def rematch_locations(*, suggest: bool = True) -> int:
    """Re-link every care service to its DSPT organisation by the ladder. Returns how many changed.

    One set-based UPDATE, run after every CQC, DSPT or ODS import and after an
    admin accepts a name match. Then, with `suggest`, refreshes the names to
    review (see suggest_name_candidates for its cost).
    """
    with connection.cursor() as cursor:
        cursor.execute(_LADDER)
        changed = cursor.rowcount
    if suggest:
        suggest_name_candidates()
    return changed


def suggest_name_candidates() -> int:
    """Suggest close names for providers whose services are still unmatched. Returns how many are new.

    A pair already decided (accepted or rejected) is never suggested again:
    the unique pair constraint keeps the old decision. Pending suggestions for
    providers that are now matched are dropped.

    Its cost grows with providers times DSPT organisations: about 0.6 s at
    England scale with generated names, a minute at ten times that
    (docs/scaling.md, "Known limits"). Imports run it in the background worker.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"""
            DELETE FROM {CANDIDATES} c WHERE c.decision = 'pending' AND NOT EXISTS (
                SELECT 1 FROM {LOCATIONS} l WHERE l.provider_id = c.provider_id
                AND l.dspt_match = '' AND l.deregistered_on IS NULL)""")
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(CANDIDATE_SIMILARITY)])
        cursor.execute(f"""
            INSERT INTO {CANDIDATES} (provider_id, organisation_id, similarity, decision, decided_by, created_at)
            SELECT p.id, close.id, close.alike, 'pending', '', dspt_now()
            FROM {PROVIDERS} p
            CROSS JOIN LATERAL (
                SELECT o.id, similarity(o.name_key, p.name_key) AS alike FROM {ORGANISATIONS} o
                WHERE o.name_key % p.name_key
                  -- a care site that published under its own code is not a head office
                  AND NOT EXISTS (SELECT 1 FROM {LOCATIONS} own
                                  WHERE own.dspt_organisation_id = o.id AND own.dspt_match = 'location')
                ORDER BY alike DESC, o.id LIMIT {CANDIDATES_PER_PROVIDER}) close
            WHERE length(p.name_key) >= 4
              AND EXISTS (SELECT 1 FROM {LOCATIONS} l WHERE l.provider_id = p.id
                          AND l.dspt_match = '' AND l.deregistered_on IS NULL)
            ON CONFLICT (provider_id, organisation_id) DO NOTHING""")
        return cursor.rowcount


def accept_candidate(*, candidate: NameMatchCandidate, user: str) -> int:
    """The admin says the two names are one organisation: the provider takes the DSPT code.

    Returns how many care services changed their DSPT record.

    Only this provider's services can change, and its other suggestions are
    dropped here, so the suggestions for every other provider are not worked
    out again: that would hold the admin's page for seconds, or a minute at
    ten times England's services.
    """
    with transaction.atomic():
        use_import_timeout()  # rematching every service may take longer than a web query may
        use_app_clock()
        _decide(candidate, NameMatchCandidate.Decision.ACCEPTED, user)
        freshness.data_changed()
        Provider.objects.filter(pk=candidate.provider_id).update(ods_code=candidate.organisation.ods_code)
        NameMatchCandidate.objects.filter(provider_id=candidate.provider_id,
                                          decision=NameMatchCandidate.Decision.PENDING).delete()
        return rematch_locations(suggest=False)


def reject_candidate(*, candidate: NameMatchCandidate, user: str) -> None:
    """The admin says the names belong to different organisations. Remembered across imports."""
    _decide(candidate, NameMatchCandidate.Decision.REJECTED, user)


def _decide(candidate: NameMatchCandidate, decision: str, user: str) -> None:
    candidate.decision = decision
    candidate.decided_by = user[:150]
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["decision", "decided_by", "decided_at"])

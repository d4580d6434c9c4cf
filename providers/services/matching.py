"""Match care services to their DSPT records.

A care service's DSPT record is found by its own (location) ODS code; if it
has none, or that code is not in the DSPT data, by its provider's ODS code,
because a head office often publishes one assessment for all its services.
We store which way it was found, so pages can say "published by the provider
for all its services". See docs/dspt-status-rule.md.
"""

from django.db import connection


def rematch_locations() -> int:
    """Re-link every care service to its DSPT organisation. Returns how many changed.

    One set-based UPDATE, run after each CQC or DSPT import.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE providers_location l
            SET dspt_organisation_id = m.organisation_id, dspt_match = m.how
            FROM (
                SELECT l2.id,
                       COALESCE(own.id, head.id) AS organisation_id,
                       CASE WHEN own.id IS NOT NULL THEN 'location'
                            WHEN head.id IS NOT NULL THEN 'provider'
                            ELSE '' END AS how
                FROM providers_location l2
                JOIN providers_provider p ON p.id = l2.provider_id
                LEFT JOIN providers_dsptorganisation own
                       ON l2.ods_code <> '' AND own.ods_code = l2.ods_code
                LEFT JOIN providers_dsptorganisation head
                       ON p.ods_code <> '' AND head.ods_code = p.ods_code
            ) m
            WHERE l.id = m.id
              AND (l.dspt_organisation_id IS DISTINCT FROM m.organisation_id OR l.dspt_match <> m.how)
            """
        )
        return cursor.rowcount

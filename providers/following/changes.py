"""What changed for the care services someone follows, since we last told them.

`looks_now(follow, today)` gives each followed care service as we would tell
it today: its result (a code of providers/results/dspt_status.py), the DSPT
year, whether CQC still lists it and whether it is dormant. A digest compares
that with `Follow.told` and says, in a sentence each, what differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from providers.following.models import Follow
from providers.register.models import Location
from providers.results import presenter

# What we tell, for each service: [result code, DSPT year ("2025-26" or ""), registered, dormant].
Told = list


@dataclass(frozen=True)
class Change:
    location_id: str
    name: str
    sentence: str  # one plain sentence: what changed


def followed_services(follow: Follow):
    """The care services a follow covers (registered ones, and a followed service even after it left CQC's list)."""
    services = Location.objects.with_dspt_status()
    if follow.kind in (Follow.Kind.SERVICE, Follow.Kind.REMINDER):
        return services.filter(cqc_location_id=follow.key)
    if follow.kind == Follow.Kind.PROVIDER:
        return services.filter(provider__cqc_provider_id=follow.key)
    name = Location.objects.registered().area_names().get(follow.key, follow.name)
    return services.in_area(name)


def looks_now(follow: Follow, today: dt.date) -> dict[str, tuple[str, Told]]:
    """{CQC location ID: (name, what we would tell today)} for the services this follow covers."""
    looks = {}
    for location in followed_services(follow):
        result = location.dspt_result(today)
        looks[location.cqc_location_id] = (location.display_name,
                                           [result.code, result.year_label, result.registered, result.dormant])
    return looks


def changes_since(told: dict[str, Told], now: dict[str, tuple[str, Told]], *, whole_area: bool) -> list[Change]:
    """What differs between what we told and what is true now, a sentence for each service.

    whole_area: a provider or an area, where a service can be new to the list (a followed
    service is only ever itself).
    """
    changes = []
    for location_id, (name, (code, year, registered, dormant)) in sorted(now.items(), key=lambda kv: kv[1][0]):
        before = told.get(location_id)
        if before is None:
            if whole_area and registered:
                changes.append(Change(location_id, name, f"New on the list. {_result_words(code, year)}"))
            continue
        was_code, was_year, was_registered, was_dormant = before
        if was_registered and not registered:
            changes.append(Change(location_id, name, "CQC no longer lists this care service."))
        elif dormant and not was_dormant:
            changes.append(Change(location_id, name, presenter.DORMANT_SENTENCE))
        elif code == "out_of_date" and was_code != "out_of_date":
            changes.append(Change(location_id, name, "Its result has stopped counting. It is now out of date."))
        elif (code, year) != (was_code, was_year):
            changes.append(Change(location_id, name, f"New result. {_result_words(code, year)}"))
    return changes


def _result_words(code: str, year: str) -> str:
    label = presenter.present(code).label
    return f"Its result: {label}" + (f" ({year})." if year else ".")

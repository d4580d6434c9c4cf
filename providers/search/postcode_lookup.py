"""Where is the place someone typed? Turns a postcode (whole or part) into a point.

In order of preference:
1. the postcode lookup table an admin imported (ONS / NSPL): exact;
2. care services at exactly that postcode (their coordinates come from CQC);
3. the centre of the postcode sector ("L8 1") or district ("L8"), from the
   lookup table or else from the care services there: approximate.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count

from providers.register.models import Location
from providers.search.models import Postcode
from providers.search.postcodes import district_of, sector_of


@dataclass(frozen=True)
class Place:
    label: str  # what we show: "L8 1AA", or "the middle of L8"
    latitude: float
    longitude: float
    approximate: bool


def _centre(queryset, prefix: str) -> tuple[float, float] | None:
    centre = queryset.filter(postcode__startswith=prefix).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude"), n=Count("pk")
    )
    if centre["n"] and centre["lat"] is not None:
        return centre["lat"], centre["lon"]
    return None


def _area_centre(prefix: str) -> tuple[float, float] | None:
    return _centre(Postcode.objects.all(), prefix) or _centre(
        Location.objects.filter(latitude__isnull=False), prefix
    )


def locate(kind: str, value: str) -> Place | None:
    """kind and value come from postcodes.parse_partial_postcode()."""
    if kind == "full":
        known = Postcode.objects.filter(postcode=value).first()
        if known:
            return Place(value, known.latitude, known.longitude, approximate=False)
        at_services = Location.objects.filter(postcode=value, latitude__isnull=False).aggregate(
            lat=Avg("latitude"), lon=Avg("longitude")
        )
        if at_services["lat"] is not None:
            return Place(value, at_services["lat"], at_services["lon"], approximate=False)
        for area in (sector_of(value), district_of(value)):
            centre = _area_centre(area + (" " if " " not in area else ""))
            if centre:
                return Place(value, *centre, approximate=True)
        return None
    prefix = value + " " if kind == "district" else value
    centre = _area_centre(prefix)
    if centre:
        return Place(f"the middle of {value}", *centre, approximate=True)
    return None

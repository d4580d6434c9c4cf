"""Generate England-scale files in the real published formats, for benchmarks.

    python benchmarks/generate.py --locations 30000 --dspt 60000 --out benchmarks/output

Names, towns and postcodes are made up but shaped like the real ones, so the
importers and search do realistic work. Output is deterministic (seeded).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from providers.imports import formats  # noqa: E402

# The largest places, real; the rest are made from English place-name parts.
CITIES = [
    # town, local authority, region, postcode area, lat, lon
    ("Birmingham", "Birmingham", "West Midlands", "B", 52.48, -1.90),
    ("Leeds", "Leeds", "Yorkshire and The Humber", "LS", 53.80, -1.55),
    ("Liverpool", "Liverpool", "North West", "L", 53.41, -2.98),
    ("Manchester", "Manchester", "North West", "M", 53.48, -2.24),
    ("Sheffield", "Sheffield", "Yorkshire and The Humber", "S", 53.38, -1.47),
    ("Bristol", "Bristol, City of", "South West", "BS", 51.45, -2.59),
    ("Norwich", "Norfolk", "East of England", "NR", 52.63, 1.30),
    ("Newcastle upon Tyne", "Newcastle upon Tyne", "North East", "NE", 54.97, -1.61),
    ("Nottingham", "Nottingham", "East Midlands", "NG", 52.95, -1.15),
    ("Leicester", "Leicester", "East Midlands", "LE", 52.64, -1.13),
    ("Exeter", "Devon", "South West", "EX", 50.72, -3.53),
    ("Brighton", "Brighton and Hove", "South East", "BN", 50.82, -0.14),
    ("Southampton", "Southampton", "South East", "SO", 50.91, -1.40),
    ("Plymouth", "Plymouth", "South West", "PL", 50.37, -4.14),
    ("York", "York", "Yorkshire and The Humber", "YO", 53.96, -1.08),
    ("Hull", "Kingston upon Hull, City of", "Yorkshire and The Humber", "HU", 53.74, -0.33),
    ("Stoke-on-Trent", "Stoke-on-Trent", "West Midlands", "ST", 53.00, -2.18),
    ("Cambridge", "Cambridgeshire", "East of England", "CB", 52.20, 0.12),
    ("Lincoln", "Lincoln", "East Midlands", "LN", 53.23, -0.54),
    ("Louth", "East Lindsey", "East Midlands", "LN", 53.37, 0.00),
]
TOWNS = CITIES  # kept for callers that only need a few real places
TOWN_STARTS = ["Ash", "Brad", "Chester", "Dun", "East", "Farn", "Green", "Hart", "King", "Long", "Market", "Nor",
               "Oak", "Pen", "Red", "Stan", "Thorn", "Wal", "West", "Whit", "Ald", "Bex", "Crow", "Dor", "Eller",
               "Fal", "Glos", "Hol", "Ick", "Kirk", "Lang", "Mel", "New", "Ot", "Pol", "Ros", "Sel", "Tad", "Ux", "Wyn"]
TOWN_ENDS = ["bury", "ford", "ham", "ley", "ton", "wick", "field", "by", "worth", "stead", "minster", "port", "well",
             "bridge", "combe", "mouth", "thorpe", "hurst", "den", "borough", "caster", "stow", "ing", "holme", "sey"]
TOWN_WORDS = ["", "Great ", "Little ", "Upper ", "Lower "]
REGIONS = ["North West", "Yorkshire and The Humber", "West Midlands", "South West", "East Midlands",
           "East of England", "South East", "North East", "London"]
# The number of places grows with the data, and their sizes fall off gently:
# at 30,000 services the largest has about 700, at 300,000 about 2,100, as in
# England (Birmingham, Leeds) and a country ten times its size.
SERVICES_PER_PLACE = 60
PLACE_SIZE_FALL = 0.5
# Each place has its own postcode districts (a city many, a small town one),
# each a couple of miles across, as real districts are: "L8" is one part of
# Liverpool, never spread over the country. Made-up places share two-letter
# postcode areas, ten places to an area.
SERVICES_PER_DISTRICT = 25
MAX_DISTRICTS = 40
PLACES_PER_AREA = 10
AREA_LETTERS = "ABCDEFGHJKLMNOPRSTUWYZ"
DISTRICT_SPREAD = (0.04, 0.06)  # how far a district's middle is from its place's, in degrees (lat, lon)
SERVICE_SPREAD = (0.015, 0.025)  # how far a service is from its district's middle


def places(count: int) -> list[tuple]:
    """(town, local authority, region, districts, lat, lon, weight) for `count` services.

    districts: ((outward code, lat, lon), ...), the postcode districts of the place and their middles.
    """
    rng = random.Random(7)
    wanted = max(len(CITIES), count // SERVICES_PER_PLACE)
    made = [f"{word}{start}{end}" for word in TOWN_WORDS for start in TOWN_STARTS for end in TOWN_ENDS]
    rng.shuffle(made)
    weights = [1 / (rank + 1) ** PLACE_SIZE_FALL for rank in range(wanted)]
    total = sum(weights)
    city_areas = {city[3] for city in CITIES}
    made_areas = [a + b for a in AREA_LETTERS for b in AREA_LETTERS if a + b not in city_areas]
    result, used = [], {}  # used: postcode area -> districts given out so far (Lincoln and Louth share LN)
    for rank, weight in enumerate(weights):
        size = count * weight / total
        if rank < len(CITIES):
            town, authority, region, area, lat, lon = CITIES[rank]
            first = used.get(area, 0) + 1
        else:
            town = made[(rank - len(CITIES)) % len(made)]
            region = REGIONS[rank % len(REGIONS)]
            # Towns share local authorities in fours, as market towns share a district council.
            authority = f"{made[((rank - len(CITIES)) // 4) % len(made)]} District"
            order = rank - len(CITIES)
            area = made_areas[(order // PLACES_PER_AREA) % len(made_areas)]
            first = 1 + (order % PLACES_PER_AREA) * (99 // PLACES_PER_AREA)
            lat, lon = rng.uniform(50.4, 55.0), rng.uniform(-4.5, 1.6)
        how_many = max(1, min(MAX_DISTRICTS, round(size / SERVICES_PER_DISTRICT)))
        if rank >= len(CITIES):
            how_many = min(how_many, 99 // PLACES_PER_AREA)
        used[area] = used.get(area, 0) + how_many
        districts = tuple(
            (f"{area}{first + n}",
             lat + (rng.uniform(-1, 1) * DISTRICT_SPREAD[0] if how_many > 1 else 0),
             lon + (rng.uniform(-1, 1) * DISTRICT_SPREAD[1] if how_many > 1 else 0))
            for n in range(how_many))
        result.append((town, authority, region, districts, lat, lon, weight))
    return result


FIRST = ["Sunny", "Oak", "Willow", "Rose", "Meadow", "River", "Hill", "Park", "Ash", "Beech", "Cedar", "Elm", "Holly",
         "Ivy", "Maple", "Orchard", "Brook", "Fern", "Heather", "Lavender", "St Mary's", "St John's", "Saint Anne's",
         "Abbey", "Castle", "Church", "Manor", "Grange", "Priory", "Wood", "Green", "Lake", "Bay", "Vale", "Glen",
         "Ashdown", "Bramley", "Clarendon", "Devonshire", "Fairfield", "Hawthorn", "Kingsley", "Lindisfarne",
         "Mulberry", "Normanton", "Pembroke", "Rosewood", "Sandringham", "Thornbury", "Westfield", "Wellington"]
SECOND = ["Side", "Tree", "View", "Lodge", "Court", "House", "Cottage", "Gardens", "Hall", "Mews", "Place", "Croft",
          "Field", "Lea", "Dene", "Rise", "Haven", "Grange", "Park", "Manor"]
# A few street names are common everywhere; most are shared by few services.
COMMON_STREETS = ["High Street", "Station Road", "Church Lane", "London Road", "Victoria Road", "Mill Lane",
                  "Green Lane", "Manor Road", "Park Avenue", "Kings Road", "Queens Road", "Chapel Street"]
STREET_ENDS = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove"]
KINDS = [("Care Home", "Care home service without nursing", True), ("Nursing Home", "Care home service with nursing", True),
         ("Home Care", "Domiciliary care service", False), ("Care at Home", "Domiciliary care service", False),
         ("Supported Living", "Supported living service", False)]
STATUSES = ["25/26 Standards Met"] * 50 + ["24/25 Standards Met"] * 15 + ["25/26 Approaching Standards"] * 8 + \
           ["Not Published"] * 12 + ["23/24 Standards Met"] * 5 + ["25/26 Standards Not Met"] * 2 + \
           ["2025-26 Standards Met"] * 3 + ["20/21 Standards Exceeded"] * 2 + ["22/23 Standards Met."] * 3


def _street(rng: random.Random) -> str:
    """One in ten services is on a common street name; the rest on one of about 2,500 others."""
    if rng.random() < 0.1:
        return rng.choice(COMMON_STREETS)
    return f"{rng.choice(FIRST)} {rng.choice(TOWN_ENDS).title()} {rng.choice(STREET_ENDS)}"


def location_records(count: int, seed: int = 1):
    """Yield dicts of Active Locations values (adult social care, plus ~8% other)."""
    rng = random.Random(seed)
    provider_count = max(1, count // 3)
    towns = places(count)
    weights = [town[-1] for town in towns]
    for n in range(count):
        town, la, region, districts, _, _, _ = rng.choices(towns, weights)[0]
        district, lat, lon = rng.choice(districts)
        label, service_type, care_home = KINDS[rng.randrange(len(KINDS))]
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {label}"
        if n % 7 == 0:
            name = f"{name} {town}"
        postcode = f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        provider = n % provider_count
        directorate = "Adult social care" if n % 12 else "Hospitals"
        values = {
            "Location ID": f"1-{1000000000 + n}",
            "Location HSCA start date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2011, 2025)}",
            "Dormant (Y/N)": "N", "Care home?": "Y" if care_home else "N", "Location Name": name,
            "Location ODS Code": f"V{n:05X}"[:6] if n % 5 else "",
            "Location Telephone Number": f"0{rng.randint(1000000000, 1999999999)}",
            "Care homes beds": str(rng.randint(5, 90)) if care_home else "",
            "Location Type/Sector": "Social Care Org", "Location Inspection Directorate": directorate,
            "Location Latest Overall Rating": rng.choice(["Good", "Good", "Outstanding", "Requires improvement", "Inadequate", ""]),
            "Publication Date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2018, 2026)}",
            "Location Region": region, "Location Local Authority": la,
            "Location Street Address": f"{rng.randint(1, 300)} {_street(rng)}",
            "Location City": town,
            "Location Postal Code": postcode.lower() if n % 9 == 0 else postcode,
            "Location Latitude": f"{lat + rng.uniform(-1, 1) * SERVICE_SPREAD[0]:.6f}",
            "Location Longitude": f"{lon + rng.uniform(-1, 1) * SERVICE_SPREAD[1]:.6f}",
            "Brand ID": "-", "Brand Name": "-", "Provider ID": f"1-{200000000 + provider}",
            # The same name on each of a provider's rows, with no number in it: numbers in both
            # providers' and DSPT organisations' names would make every name look like every other to
            # the import's name suggestions (trigrams), which then take hours (see docs/scaling.md).
            "Provider Name": (f"{FIRST[provider % len(FIRST)]} {TOWN_STARTS[provider // 50 % len(TOWN_STARTS)]}"
                              f"{TOWN_ENDS[provider // 2000 % len(TOWN_ENDS)]} Care Ltd"),
            "Provider Type/Sector": "Social Care Org",
            f"Service type - {service_type}": "Y", "Service user band - Older People": "Y",
            "Regulated activity - Personal care": "Y",
        }
        if n % 4 == 0:
            values["Service user band - Dementia"] = "Y"
        yield values


def write_active_locations_csv(path: Path, count: int) -> int:
    headings = formats.ACTIVE_LOCATIONS_HEADINGS
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        for values in location_records(count):
            writer.writerow([values.get(h, "") for h in headings])
    return count


def write_active_locations_ods(path: Path, count: int) -> int:
    """A streamed .ods with a README sheet and a notice block above the header."""
    headings = formats.ACTIVE_LOCATIONS_HEADINGS

    def row_xml(cells):
        parts = []
        for value in cells:
            parts.append(f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'
                         if value else "<table:table-cell/>")
        return f"<table:table-row>{''.join(parts)}</table:table-row>"

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")  # stored, first
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
        with archive.open("content.xml", "w", force_zip64=True) as raw:
            def out(text):
                raw.write(text.encode("utf-8"))
            out('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>')
            out(f'<table:table table:name="README">{row_xml(["Benchmark file"])}</table:table>')
            out('<table:table table:name="HSCA_Active_Locations">')
            out(row_xml(["Notice: generated for benchmarks."]))
            out(row_xml([]))
            out(row_xml(headings))
            for values in location_records(count):
                out(row_xml([values.get(h, "") for h in headings]))
            out('<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
            out("</table:table></office:spreadsheet></office:body></office:document-content>")
    return count


def write_dspt_csv(path: Path, count: int, location_count: int) -> int:
    """A DSPT export: location codes for most services, then head offices and NHS bodies."""
    rng = random.Random(2)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(formats.DSPT_HEADINGS_2023)
        for n in range(count):
            if n < location_count and n % 5:
                code = f"V{n:05X}"[:6]
            else:
                code = f"8{n:05X}"[:6]
            status = rng.choice(STATUSES)
            year = 2000 + int(status[:2]) if status[0].isdigit() and status[2] == "/" else 2025
            date = f"{rng.randint(1, 28):02d}/06/{year + 1}" if status != "Not Published" or n % 2 else ""
            writer.writerow([code, f"ORGANISATION {n} LIMITED", status, date, "Care Home", "NHS EXAMPLE INTEGRATED CARE BOARD"])
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locations", type=int, default=30000)
    parser.add_argument("--dspt", type=int, default=60000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "output")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    write_active_locations_csv(args.out / "active_locations.csv", args.locations)
    write_active_locations_ods(args.out / "16_November_2026_HSCA_Active_Locations.ods", args.locations)
    write_dspt_csv(args.out / "DSPT search results 20_11_2026 09_15_02.csv", args.dspt, args.locations)
    print(f"Wrote files to {args.out}")


if __name__ == "__main__":
    main()

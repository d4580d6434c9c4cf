"""Write the sample files in fixtures/ from one small, realistic data set.

    .venv/bin/python scripts/make_sample_fixtures.py

The files follow the published formats exactly (see docs/data-formats.md):
the CQC Active Locations file as .ods (with its README sheet and a notice
block above the header row), .xlsx and CSV; the weekly CQC care directory
CSV; and the DSPT organisation search export in its 2023 and 2022 forms.
The services and organisations are invented; the shapes are real.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from providers.imports import formats  # noqa: E402

FIXTURES = ROOT / "fixtures"

PROVIDERS = {
    "1-101671690": dict(name="Midshires Care Limited", type="Independent Healthcare Org", own="Organisation", ch="05115592", town="Stratford-upon-Avon", pc="CV37 6UN"),
    "1-102643002": dict(name="Sunny Side Care Homes Ltd", type="Independent Healthcare Org", own="Organisation", ch="07123456", town="Liverpool", pc="L17 8XY"),
    "1-103001234": dict(name="St Joseph's Care Trust", type="Independent Healthcare Org", own="Organisation", charity="1098765", town="Leeds", pc="LS6 2AB"),
    "1-104445566": dict(name="Smith & Daughters Home Care Ltd", type="Independent Healthcare Org", own="Organisation", ch="09876543", town="Manchester", pc="M14 5RT"),
    "1-105550001": dict(name="Café Court Care Ltd", type="Independent Healthcare Org", own="Organisation", ch="11223344", town="Bristol", pc="BS8 1TH"),
    "1-106660002": dict(name="Northern Lights Supported Living CIC", type="Independent Healthcare Org", own="Organisation", ch="12345678", town="Newcastle upon Tyne", pc="NE1 4XF"),
    "1-107770003": dict(name="Ashfield Shared Lives", type="Social Care Org", own="Organisation", town="Mansfield", pc="NG18 2AE"),
    "1-108880004": dict(name="Mrs Jean O'Brien", type="Social Care Org", own="Individual", town="Norwich", pc="NR2 3DD"),
    "RL4": dict(name="The Royal Wolverhampton NHS Trust", type="NHS Healthcare Organisation", own="NHS Body", town="Wolverhampton", pc="WV10 0QP"),
    "1-199000001": dict(name="Dr A Patel and Partners", type="Primary Medical Services", own="Partnership", town="Sheffield", pc="S10 2TN"),
}
PROVIDER_ODS = {"1-101671690": "AB1X", "1-106660002": "AC2K"}

CARE_HOME_NURSING = "Care home service with nursing"
CARE_HOME = "Care home service without nursing"
HOME_CARE = "Domiciliary care service"
SUPPORTED = "Supported living service"
SHARED = "Shared Lives"
EXTRA = "Extra Care housing services"

# id, name, provider, ods, kind, beds, rating, street, city, county, postcode as typed, lat, lon, LA, region, bands, extra
LOCATIONS = [
    ("1-545611283", "Sunny Side Care Home", "1-102643002", "VLLWV", [CARE_HOME], 42, "Good", "12 Ullet Road", "Liverpool", "Merseyside", "L8 1AA", 53.3899, -2.9556, "Liverpool", "North West", ["Older People", "Dementia"], {}),
    ("1-545611300", "Sunnyside Lodge", "1-102643002", "VLLWX", [CARE_HOME_NURSING], 60, "Requires improvement", "3 Aigburth Drive", "Liverpool", "Merseyside", "l81aa", 53.3897, -2.9560, "Liverpool", "North West", ["Older People"], {}),
    ("1-545611411", "Sunny Side House", "1-102643002", "VLLWY", [CARE_HOME], 28, "Outstanding", "88 Menlove Avenue", "Liverpool", "Merseyside", "L18  2EH", 53.3752, -2.8950, "Liverpool", "North West", ["Older People", "Physical Disability"], {}),
    ("1-10552899555", "St Joseph's Nursing Home", "1-103001234", "VJ0S1", [CARE_HOME_NURSING], 54, "Good", "Headingley Lane", "Leeds", "West Yorkshire", "LS6 1BN", 53.8194, -1.5760, "Leeds", "Yorkshire and The Humber", ["Older People", "Dementia"], {}),
    ("1-10552899600", "Saint Mary's House", "1-103001234", "VJ0S2", [CARE_HOME], 31, "Good", "5 Park Square East", "Leeds", "West Yorkshire", "ls1 2nh", 53.7999, -1.5527, "Leeds", "Yorkshire and The Humber", ["Older People"], {}),
    ("1-10552899700", "St. Anne's Residential Home", "1-103001234", "VJ0S3", [CARE_HOME], 24, "Inadequate", "22 Otley Road", "Leeds", "West Yorkshire", "LS6 3AA", 53.8262, -1.5811, "Leeds", "Yorkshire and The Humber", ["Older People", "Mental Health"], {}),
    ("1-10553191017", "Helping Hands Mansfield", "1-101671690", "", [HOME_CARE], None, "Good", "Room 107, Level 1, East Wing", "Mansfield", "Nottinghamshire", "NG18 2AE", 53.1420, -1.1890, "Nottinghamshire", "East Midlands", ["Older People", "Dementia", "Physical Disability"], {}),
    ("1-10553191100", "Helping Hands Liverpool", "1-101671690", "", [HOME_CARE], None, "Good", "Suite 2, Bold Street", "Liverpool", "Merseyside", "L1 4DS", 53.4027, -2.9786, "Liverpool", "North West", ["Older People"], {}),
    ("1-10553191200", "Helping Hands Bristol", "1-101671690", "", [HOME_CARE], None, "Requires improvement", "1 Whiteladies Road", "Bristol", "", "BS8 1PD", 51.4605, -2.6079, "Bristol, City of", "South West", ["Older People"], {}),
    ("1-10553191300", "Helping Hands Leeds", "1-101671690", "", [HOME_CARE], None, "", "10 Wellington Street", "Leeds", "West Yorkshire", "LS1 4LT", 53.7965, -1.5530, "Leeds", "Yorkshire and The Humber", ["Older People"], {}),
    ("1-111000001", "Smith & Daughters Home Care - Manchester", "1-104445566", "VM1SD", [HOME_CARE], None, "Good", "250 Wilmslow Road", "Manchester", "Greater Manchester", "M14 6LT", 53.4509, -2.2190, "Manchester", "North West", ["Older People", "Younger Adults"], {}),
    ("1-111000002", "Smith and Daughters Home Care Stockport", "1-104445566", "VM1SE", [HOME_CARE], None, "Good", "8 Mersey Square", "Stockport", "Greater Manchester", "SK1 1RA", 53.4098, -2.1597, "Stockport", "North West", ["Older People"], {}),
    ("1-112000001", "Café Court", "1-105550001", "VB5CC", [CARE_HOME], 36, "Good", "14 Royal York Crescent", "Bristol", "", "BS8 4JY", 51.4530, -2.6200, "Bristol, City of", "South West", ["Older People", "Dementia"], {}),
    ("1-112000002", "Cafe Court Nursing", "1-105550001", "VB5CD", [CARE_HOME_NURSING], 48, "Requires improvement", "30 Clifton Down Road", "Bristol", "", "BS8 4AH", 51.4580, -2.6180, "Bristol, City of", "South West", ["Older People"], {}),
    ("1-113000001", "Northern Lights - Jesmond", "1-106660002", "", [SUPPORTED], None, "Good", "40 Osborne Road", "Newcastle upon Tyne", "Tyne and Wear", "NE2 2AL", 54.9870, -1.5990, "Newcastle upon Tyne", "North East", ["Learning disabilities or autistic spectrum disorder"], {}),
    ("1-113000002", "Northern Lights - Heaton", "1-106660002", "VN1NL", [SUPPORTED], None, "Outstanding", "12 Heaton Road", "Newcastle upon Tyne", "Tyne and Wear", "NE6 5HN", 54.9770, -1.5750, "Newcastle upon Tyne", "North East", ["Learning disabilities or autistic spectrum disorder", "Mental Health"], {}),
    ("1-114000001", "Ashfield Shared Lives Scheme", "1-107770003", "VS4AS", [SHARED], None, "Good", "Ashfield Avenue", "Mansfield", "Nottinghamshire", "NG18 2AF", 53.1425, -1.1880, "Nottinghamshire", "East Midlands", ["Younger Adults", "Older People"], {}),
    ("1-115000001", "Rose Cottage", "1-108880004", "VN2RC", [CARE_HOME], 6, "Good", "7 Unthank Road", "Norwich", "Norfolk", "NR2 2PA", 52.6280, 1.2760, "Norfolk", "East of England", ["Older People"], {}),
    ("1-116000001", "Riverside Extra Care", "1-102643002", "VLLRZ", [EXTRA, HOME_CARE], None, "Good", "1 Riverside Drive", "Liverpool", "Merseyside", "L3 4BB", 53.3990, -2.9900, "Liverpool", "North West", ["Older People"], {}),
    ("1-117000001", "Meadow View Care Home", "1-103001234", "VJ0S9", [CARE_HOME], 40, "Good", "Meadow Lane", "Exeter", "Devon", "EX4 4QJ", 50.7260, -3.5340, "Devon", "South West", ["Older People", "Dementia"], {}),
    ("1-117000002", "The Willows", "1-103001234", "VJ0T1", [CARE_HOME_NURSING], 52, "Good", "2 Church Road", "Birmingham", "West Midlands", "B15 3TR", 52.4660, -1.9210, "Birmingham", "West Midlands", ["Older People"], {}),
    ("1-117000003", "Oak Tree House", "1-103001234", "VJ0T2", [CARE_HOME], 20, "Requires improvement", "15 Ecclesall Road", "Sheffield", "South Yorkshire", "S11 8HW", 53.3700, -1.4900, "Sheffield", "Yorkshire and The Humber", ["Older People"], {}),
    ("1-117000004", "Harbour Home Care", "1-104445566", "VM1SF", [HOME_CARE], None, "", "Unit 4, Dock Street", "London", "", "E1 7BS", 51.5100, -0.0700, "Tower Hamlets", "London", ["Older People"], {}),
    ("1-117000005", "Westminster Court", "1-105550001", "VB5CE", [CARE_HOME], 30, "Good", "9 Victoria Street", "London", "", "SW1A 1AA", 51.5010, -0.1416, "Westminster", "London", ["Older People"], {}),
    ("1-117000006", "<b>Bold</b> Care & Co", "1-104445566", "VM1SG", [HOME_CARE], None, "Good", "1 Market Street", "Leeds", "West Yorkshire", "LS1 6DT", 53.7960, -1.5450, "Leeds", "Yorkshire and The Humber", ["Older People"], {}),
    ("1-117000007", "Hillside Home (dormant)", "1-108880004", "", [CARE_HOME], 4, "", "Hill Road", "Norwich", "Norfolk", "NR2 3DE", 52.6300, 1.2700, "Norfolk", "East of England", ["Older People"], {"dormant": True}),
]
# Not adult social care: the importer counts these as skipped.
OTHER_LOCATIONS = [
    ("1-200000001", "New Cross Hospital", "RL4", "RL401", "Hospitals", "Wolverhampton", "WV10 0QP", 52.6000, -2.0900, "Wolverhampton", "West Midlands", "Acute services with overnight beds"),
    ("1-200000002", "Broomhill Surgery", "1-199000001", "C88001", "Primary medical services", "Sheffield", "S10 2TN", 53.3800, -1.5000, "Sheffield", "Yorkshire and The Humber", "Doctors consultation service"),
]

DSPT_ROWS = [
    # Code, Organisation Name, Status, Date Of Publication, Primary Sector, ICB
    ("VLLWV", "SUNNY SIDE CARE HOME", "25/26 Standards Met", "12/06/2026", "Care Home", "NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD"),
    ("VLLWX", "SUNNYSIDE LODGE", "25/26 Approaching Standards", "30/06/2026", "Care Home", "NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD"),
    ("VLLWY", "SUNNY SIDE HOUSE", "25/26 Standards Exceeded", "02/05/2026", "Care Home", "NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD"),
    ("VJ0S1", "ST JOSEPH'S NURSING HOME (VJ0S1)", "24/25 Standards Met", "27/06/2025", "Care Home", "NHS WEST YORKSHIRE INTEGRATED CARE BOARD"),
    ("VJ0S2", "SAINT MARY'S HOUSE", "25/26 Standards Not Met", "20/06/2026", "Care Home", "NHS WEST YORKSHIRE INTEGRATED CARE BOARD"),
    ("VJ0S3", "ST. ANNE'S RESIDENTIAL HOME", "Not Published", "28/06/2024", "Care Home", "NHS WEST YORKSHIRE INTEGRATED CARE BOARD"),
    ("AB1X", "MIDSHIRES CARE LIMITED", "2025-26 Standards Met", "25/06/2026", "Domiciliary Care", "NHS COVENTRY AND WARWICKSHIRE INTEGRATED CARE BOARD"),
    ("VM1SD", "SMITH & DAUGHTERS HOME CARE - MANCHESTER", "21/22 Standards Met.", "30/06/2022", "Domiciliary Care", "NHS GREATER MANCHESTER INTEGRATED CARE BOARD"),
    ("VM1SE", "SMITH AND DAUGHTERS HOME CARE STOCKPORT", "20/21 Standards Exceeded", "15/06/2021", "Domiciliary Care", "NHS GREATER MANCHESTER INTEGRATED CARE BOARD"),
    ("VB5CC", "CAFÉ COURT", "26/27 Standards Met", "01/10/2026", "Care Home", "NHS BRISTOL, NORTH SOMERSET AND SOUTH GLOUCESTERSHIRE INTEGRATED CARE BOARD"),
    ("VB5CD", "CAFE COURT NURSING", "25/26 Standards Met", "30/06/2026", "Care Home", "NHS BRISTOL, NORTH SOMERSET AND SOUTH GLOUCESTERSHIRE INTEGRATED CARE BOARD"),
    ("AC2K", "NORTHERN LIGHTS SUPPORTED LIVING CIC", "24/25 Approaching Standards", "30/06/2025", "Supported Living", "NHS NORTH EAST AND NORTH CUMBRIA INTEGRATED CARE BOARD"),
    ("VN1NL", "NORTHERN LIGHTS - HEATON", "25/26 Standards Met", "10/06/2026", "Supported Living", "NHS NORTH EAST AND NORTH CUMBRIA INTEGRATED CARE BOARD"),
    ("VS4AS", "ASHFIELD SHARED LIVES", "25/26 Standards Met", "29/06/2026", "Shared Lives", "NHS NOTTINGHAM AND NOTTINGHAMSHIRE INTEGRATED CARE BOARD"),
    ("VN2RC", "ROSE COTTAGE", "23/24 Standards Met", "28/06/2024", "Care Home", "NHS NORFOLK AND WAVENEY INTEGRATED CARE BOARD"),
    ("VLLRZ", "RIVERSIDE EXTRA CARE", "Not Published", "", "Domiciliary Care", "NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD"),
    ("VJ0S9", "MEADOW VIEW CARE HOME", "25/26 Standards Met", "30/06/2026", "Care Home", "NHS DEVON INTEGRATED CARE BOARD"),
    ("VJ0T1", "THE WILLOWS", "25/26 Standards Met", "01/07/2026", "Care Home", "NHS BIRMINGHAM AND SOLIHULL INTEGRATED CARE BOARD"),
    ("VB5CE", "WESTMINSTER COURT", "24/25 Standards Exceeded", "30/06/2025", "Care Home", "NHS NORTH WEST LONDON INTEGRATED CARE BOARD"),
    ("VM1SG", "<B>BOLD</B> CARE & CO", "25/26 Standards Met", "11/06/2026", "Domiciliary Care", "NHS WEST YORKSHIRE INTEGRATED CARE BOARD"),
    ("R0A", "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST", "25/26 Standards Met", "30/06/2026", "NHS Trust", "NHS GREATER MANCHESTER INTEGRATED CARE BOARD"),
    ("R0B", "SOUTH TYNESIDE AND SUNDERLAND NHS FOUNDATION TRUST (R0B)", "25/26 Standards Exceeded", "15/06/2026", "NHS Trust", "NHS NORTH EAST AND NORTH CUMBRIA INTEGRATED CARE BOARD"),
    ("RA4", "YEOVIL DISTRICT HOSPITAL NHS FOUNDATION TRUST", "Not Published", "28/06/2022", "NHS Trust", "NHS SOMERSET INTEGRATED CARE BOARD"),
    ("8KM29", "EXAMPLE COMMUNITY INTEREST COMPANY", "24/25 Standards Met", "20/06/2025", "Charity", ""),
    ("QOP", "NHS GREATER MANCHESTER INTEGRATED CARE BOARD", "25/26 Standards Met", "27/06/2026", "CCG / Integrated Care Board (ICB)", ""),
]
# Locations with an ODS code the DSPT data does not list: VJ0T2, VM1SF.


def active_location_rows() -> list[list[str]]:
    """The Active Locations data rows, every column in published order."""
    rows = []
    for (loc_id, name, prov_id, ods, types, beds, rating, street, city, county, postcode, lat, lon, la, region, bands, extra) in LOCATIONS:
        provider = PROVIDERS[prov_id]
        care_home = any(t.startswith("Care home") for t in types)
        values = {
            "Location ID": loc_id, "Location HSCA start date": "01/04/2011", "Dormant (Y/N)": "Y" if extra.get("dormant") else "N",
            "Care home?": "Y" if care_home else "N", "Location Name": name, "Location ODS Code": ods,
            "Location Telephone Number": "0151 000 0000", "Registered manager": "A Manager",
            "Location Web Address": "", "Care homes beds": str(beds) if beds else "",
            "Location Type/Sector": "Social Care Org", "Location Inspection Directorate": "Adult social care",
            "Location Primary Inspection Category": "Residential social care" if care_home else "Community based adult social care services",
            "Location Latest Overall Rating": rating, "Publication Date": "14/03/2024" if rating else "",
            "Inherited Rating (Y/N)": "N", "Location Region": region, "Location NHS Region": region,
            "Location Local Authority": la, "Location Street Address": street, "Location City": city,
            "Location County": county, "Location Postal Code": postcode, "Location Latitude": f"{lat:.6f}",
            "Location Longitude": f"{lon:.6f}", "Brand ID": "-", "Brand Name": "-",
            "Provider Companies House Number": provider.get("ch", ""), "Provider Charity Number": provider.get("charity", ""),
            "Provider ID": prov_id, "Provider Name": provider["name"], "Provider Type/Sector": provider["type"],
            "Provider Inspection Directorate": "Adult social care", "Provider Ownership Type": provider["own"],
            "Provider City": provider["town"], "Provider Postal Code": provider["pc"],
        }
        if prov_id == "1-101671690":
            values["Brand ID"], values["Brand Name"] = "BD1", "BRAND Helping Hands"
        for activity in (["Accommodation for persons who require nursing or personal care"] if care_home else []) + ["Personal care"]:
            values[f"Regulated activity - {activity}"] = "Y"
        for service_type in types:
            values[f"Service type - {service_type}"] = "Y"
        for band in bands:
            values[f"Service user band - {band}"] = "Y"
        values["Location Dual Registered"] = "N"
        rows.append(values)
    for (loc_id, name, prov_id, ods, directorate, city, postcode, lat, lon, la, region, service_type) in OTHER_LOCATIONS:
        provider = PROVIDERS[prov_id]
        rows.append({
            "Location ID": loc_id, "Location HSCA start date": "01/04/2013", "Dormant (Y/N)": "N", "Care home?": "N",
            "Location Name": name, "Location ODS Code": ods, "Location Type/Sector": provider["type"],
            "Location Inspection Directorate": directorate, "Location Region": region, "Location Local Authority": la,
            "Location City": city, "Location Postal Code": postcode, "Location Latitude": str(lat), "Location Longitude": str(lon),
            "Brand ID": "-", "Brand Name": "-", "Provider ID": prov_id, "Provider Name": provider["name"],
            "Provider Type/Sector": provider["type"], f"Service type - {service_type}": "Y",
        })
    headings = formats.ACTIVE_LOCATIONS_HEADINGS + [formats.OPTIONAL_PROVIDER_ODS_HEADING]
    table = []
    for values in rows:
        provider_id = values["Provider ID"]
        values[formats.OPTIONAL_PROVIDER_ODS_HEADING] = PROVIDER_ODS.get(provider_id, provider_id if not provider_id.startswith("1-") else "")
        table.append([values.get(h, "") for h in headings])
    return [headings] + table


NOTICE = [
    ["HSCA Active Locations"],
    ["Notice: this file lists locations registered under the Health and Social Care Act 2008 on the date in its name."],
    [],
]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def write_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([_typed(v) for v in row])
    workbook.save(path)


def _typed(value: str):
    """Dates and numbers as a spreadsheet program would store them."""
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y")
    except (ValueError, TypeError):
        pass
    try:
        return float(value) if "." in value and value.replace(".", "").replace("-", "").isdigit() else value
    except (ValueError, AttributeError):
        return value


def write_ods(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    """A minimal, valid OpenDocument spreadsheet."""
    tables = []
    for name, rows in sheets.items():
        xml_rows = []
        for row in rows:
            cells = []
            for value in row:
                typed = _typed(value)
                if isinstance(typed, dt.datetime):
                    cells.append(f'<table:table-cell office:value-type="date" office:date-value="{typed.date().isoformat()}"><text:p>{escape(value)}</text:p></table:table-cell>')
                elif isinstance(typed, float):
                    cells.append(f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{escape(value)}</text:p></table:table-cell>')
                elif value:
                    cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>')
                else:
                    cells.append("<table:table-cell/>")
            xml_rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        # Spreadsheet programs pad sheets with a huge run of empty rows.
        xml_rows.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
        tables.append(f'<table:table table:name="{escape(name)}">{"".join(xml_rows)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body></office:document-content>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)


def directory_rows() -> list[list[str]]:
    type_names = {CARE_HOME: "Residential homes", CARE_HOME_NURSING: "Nursing homes", HOME_CARE: "Homecare agencies",
                  SUPPORTED: "Supported living", SHARED: "Shared lives", EXTRA: "Extra care housing"}
    rows = [["CQC Locations data"], [], ["This data was produced on 16 November 2026"], [], formats.DIRECTORY_HEADINGS]
    for (loc_id, name, prov_id, _ods, types, _beds, _rating, street, city, _county, postcode, *_rest) in LOCATIONS[:12]:
        bands = _rest[4]
        rows.append([
            name, "", f"{street},{city}", postcode.strip().upper(), "1510000000", "",
            "|".join(type_names[t] for t in types), "14/Mar/2024 - 00:00", "|".join(bands),
            PROVIDERS[prov_id]["name"], _rest[2], _rest[3], f"https://www.cqc.org.uk/location/{loc_id}", loc_id, prov_id,
        ])
    rows.append(["Square Mile Dental Centre", "", "7-9 White Kennet Street,London", "E1 7BS", "2073770990", "", "Dentist",
                 "09/Jan/2018 - 00:00", "Services for everyone", "Square Mile Dental Centre Limited", "City of London",
                 "London", "https://www.cqc.org.uk/location/1-300000001", "1-300000001", "1-300000002"])
    return rows


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    rows = active_location_rows()
    readme = [["README"], ["This workbook lists active locations registered with the Care Quality Commission."], ["Sample data made for DSPT Lookup. Services are invented."]]
    write_ods(FIXTURES / "16_November_2026_HSCA_Active_Locations.ods", {"README": readme, "HSCA_Active_Locations": NOTICE + rows, "Dual_Registration_Locations": [["Location ID", "Primary ID"]]})
    write_xlsx(FIXTURES / "16_November_2026_HSCA_Active_Locations.xlsx", {"README": readme, "HSCA_Active_Locations": NOTICE + rows})
    write_csv(FIXTURES / "cqc_active_locations.csv", rows)
    write_csv(FIXTURES / "16_November_2026_CQC_directory.csv", directory_rows())
    write_csv(FIXTURES / "DSPT search results 20_11_2026 09_15_02.csv", [formats.DSPT_HEADINGS_2023] + [list(r) for r in DSPT_ROWS])
    # The 2022 export had no Code column; some names carry the code in brackets.
    old = [formats.DSPT_HEADINGS_2022] + [
        [name if f"({code})" in name or index > 2 else f"{name} ({code})", status, date, sector, icb]
        for index, (code, name, status, date, sector, icb) in enumerate(DSPT_ROWS[:6])
    ]
    write_csv(FIXTURES / "DSPT search results 2022 format.csv", old)
    print("Wrote sample files to", FIXTURES)


if __name__ == "__main__":
    main()

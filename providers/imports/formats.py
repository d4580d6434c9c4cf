"""Column headings and value formats of the public files we import.

See docs/data-formats.md for where these come from. The importers, the
sample fixtures and the benchmarks all use these lists, so they cannot drift.
"""

import datetime as dt
import re

from providers.imports.problems import clip

# --- CQC HSCA Active Locations ------------------------------------------------

ACTIVE_LOCATIONS_CORE = [
    "Location ID", "Location HSCA start date", "Dormant (Y/N)", "Care home?", "Location Name",
    "Location ODS Code", "Location Telephone Number", "Registered manager", "Location Web Address",
    "Care homes beds", "Location Type/Sector", "Location Inspection Directorate",
    "Location Primary Inspection Category", "Location Latest Overall Rating", "Publication Date",
    "Inherited Rating (Y/N)", "Location Region", "Location NHS Region", "Location Local Authority",
    "Location ONSPD CCG Code", "Location ONSPD CCG", "Location Commissioning CCG Code",
    "Location Commissioning CCG", "Location Street Address", "Location Address Line 2", "Location City",
    "Location County", "Location Postal Code", "Location PAF ID", "Location UPRN ID", "Location Latitude",
    "Location Longitude", "Location Parliamentary Constituency", "Brand ID", "Brand Name",
    "Provider Companies House Number", "Provider Charity Number", "Provider ID", "Provider Name",
    "Provider HSCA start date", "Provider Type/Sector", "Provider Inspection Directorate",
    "Provider Primary Inspection Category", "Provider Ownership Type", "Provider Telephone Number",
    "Provider Web Address", "Provider Street Address", "Provider Address Line 2", "Provider City",
    "Provider County", "Provider Postal Code", "Provider PAF ID", "Provider UPRN ID",
    "Provider Local Authority", "Provider Region", "Provider NHS Region", "Provider Latitude",
    "Provider Longitude", "Provider Parliamentary Constituency", "Provider Nominated Individual Name",
    "Provider Main Partner Name",
]

REGULATED_ACTIVITIES = [
    "Accommodation for persons who require nursing or personal care",
    "Accommodation for persons who require treatment for substance misuse",
    "Assessment or medical treatment for persons detained under the Mental Health Act 1983",
    "Diagnostic and screening procedures",
    "Family planning",
    "Management of supply of blood and blood derived products",
    "Maternity and midwifery services",
    "Nursing care",
    "Personal care",
    "Services in slimming clinics",
    "Surgical procedures",
    "Termination of pregnancies",
    "Transport services, triage and medical advice provided remotely",
    "Treatment of disease, disorder or injury",
]

SERVICE_TYPES = [
    "Acute services with overnight beds", "Acute services without overnight beds / listed acute services with or without overnight beds",
    "Ambulance service", "Blood and Transplant service", "Care home service with nursing",
    "Care home service without nursing", "Community based services for people who misuse substances",
    "Community based services for people with a learning disability",
    "Community based services for people with mental health needs",
    "Community health care services - Nurses Agency only", "Community healthcare service", "Dental service",
    "Diagnostic and/or screening service", "Diagnostic and/or screening service - single handed sessional providers",
    "Doctors consultation service", "Doctors treatment service", "Domiciliary care service",
    "Extra Care housing services", "Hospice services",
    "Hospital services for people with mental health needs, learning disabilities and problems with substance misuse",
    "Hyperbaric Chamber", "Long term conditions services", "Mobile doctors service", "Prison Healthcare Services",
    "Rehabilitation services", "Remote clinical advice service",
    "Residential substance misuse treatment and rehabilitation service", "Shared Lives", "Specialist college service",
    "Supported housing service", "Supported living service", "Urgent care services", "Sexual health services",
]

SERVICE_USER_BANDS = [
    "Children 0-18 years", "Dementia", "Learning disabilities or autistic spectrum disorder", "Mental Health",
    "Older People", "People detained under the Mental Health Act", "People who misuse drugs and alcohol",
    "People with an eating disorder", "Physical Disability", "Sensory Impairment", "Whole Population",
    "Younger Adults",
]

ACTIVE_LOCATIONS_HEADINGS = (
    ACTIVE_LOCATIONS_CORE
    + [f"Regulated activity - {a}" for a in REGULATED_ACTIVITIES]
    + [f"Service type - {s}" for s in SERVICE_TYPES]
    + [f"Service user band - {b}" for b in SERVICE_USER_BANDS]
    + ["Location Dual Registered", "Primary ID (Dual registration locations)"]
)

# An extra column some downloads (and the CQC API) give; used when present.
OPTIONAL_PROVIDER_ODS_HEADING = "Provider ODS Code"

ACTIVE_LOCATIONS_REQUIRED = [
    "Location ID", "Location Name", "Location ODS Code", "Location Inspection Directorate",
    "Location Postal Code", "Provider ID", "Provider Name",
]

ADULT_SOCIAL_CARE_DIRECTORATE = "Adult social care"

# --- CQC care directory (weekly CSV) ------------------------------------------

DIRECTORY_HEADINGS = [
    "Name", "Also known as", "Address", "Postcode", "Phone number", "Service's website (if available)",
    "Service types", "Date of latest check", "Specialisms/services", "Provider name", "Local authority",
    "Region", "Location URL", "CQC Location ID (for office use only)", "CQC Provider ID (for office use only)",
]
DIRECTORY_REQUIRED = [
    "Name", "Address", "Postcode", "Service types", "Provider name",
    "CQC Location ID (for office use only)", "CQC Provider ID (for office use only)",
]
# The directory's service types that are adult social care, with the
# category we file them under and the Active Locations name for the same
# service type (so both files describe a service the same way). See docs/adr/0003.
DIRECTORY_SOCIAL_CARE_TYPES = {
    "homecare agencies": ("home_care", "Domiciliary care service"),
    "residential homes": ("care_home", "Care home service without nursing"),
    "nursing homes": ("care_home", "Care home service with nursing"),
    "supported living": ("other", "Supported living service"),
    "shared lives": ("other", "Shared Lives"),
    "extra care housing": ("other", "Extra Care housing services"),
    "specialist college": ("other", "Specialist college service"),
    "supported housing": ("other", "Supported housing service"),
    "education disability services": ("other", "Specialist college service"),
}

# --- DSPT organisation search export -----------------------------------------

DSPT_HEADINGS_2023 = [
    "Code", "Organisation Name", "Status", "Date Of Publication", "Primary Sector",
    "Integrated Care Board (where available, from ODS)",
]
DSPT_HEADINGS_2022 = [
    "Organisation Name", "Latest Status", "Date Of Publication", "Primary Sector", "Commissioner (From ODS)",
]

# --- Value parsers shared by the importers ------------------------------------------

_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%b/%Y - %H:%M", "%d/%b/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> dt.date | None:
    """Parse the date forms seen in the files. Empty gives None; nonsense raises ValueError."""
    text = (text or "").strip()
    if not text:
        return None
    # The two forms nearly every row has, read without strptime (a tenth of the time). A day
    # that does not exist falls through to the loop below, which says why.
    match = _DAY_MONTH_YEAR.fullmatch(text) or _ISO_DATE.fullmatch(text)
    if match:
        numbers = [int(part) for part in match.groups()]
        day, month, year = numbers if match.re is _DAY_MONTH_YEAR else reversed(numbers)
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    if "T" in text and text[:4].isdigit():
        text = text.split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{clip(text)}' is not a date we recognise (use dd/mm/yyyy)")


def parse_yes_no(text: str) -> bool:
    value = (text or "").strip().upper()
    if value in {"Y", "YES", "TRUE", "1"}:
        return True
    if value in {"", "N", "NO", "FALSE", "0", "-"}:
        return False
    raise ValueError(f"'{clip(text)}' should be Y or N")


_ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")


def parse_ods_code(text: str) -> str:
    """Tidy an ODS code ('vllwv ' -> 'VLLWV'). Empty stays empty; odd characters raise ValueError."""
    code = (text or "").strip().upper()
    if code in {"", "-"}:
        return ""
    if not _ODS_CODE.match(code):
        raise ValueError(f"'{clip(text)}' is not an ODS code (3 to 10 letters and numbers)")
    return code


_DSPT_CODE = re.compile(r"^[A-Z0-9]{2,10}(-[A-Z0-9]{1,20}){0,3}$")
_LOOKS_LIKE_A_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SPREADSHEET_NUMBER = re.compile(r"\d+\.0+")
DSPT_CODE_MAX_LENGTH = 32


def parse_dspt_code(text: str) -> str:
    """An ODS code as the DSPT export gives it: any case, perhaps with a suffix, perhaps a number.

    'v12951' -> 'V12951'; 'V10679-765139' stays; '204.0' (a spreadsheet
    number) -> '204'. A date ('2006-04-01', which Excel made from 'APR6')
    or text with spaces is not a code and raises ValueError.
    """
    code = (text or "").strip().upper()
    if not code:
        raise ValueError("is blank")
    if _SPREADSHEET_NUMBER.fullmatch(code):
        code = code.split(".")[0]
    if _LOOKS_LIKE_A_DATE.match(code):
        raise ValueError(f"'{clip(code)}' is a date, not a code (a spreadsheet may have changed the code into a date)")
    if len(code) > DSPT_CODE_MAX_LENGTH or not _DSPT_CODE.match(code):
        raise ValueError(f"'{clip(text)}' is not an ODS code (letters and numbers, perhaps with a suffix after a hyphen)")
    return code


def parse_coordinate(text: str, *, low: float, high: float, name: str = "") -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} '{clip(text)}' is not a number".strip()) from None
    if not (low <= value <= high):
        raise ValueError(f"{name} {value} is outside the UK".strip())
    return value


def parse_whole_number(text: str, *, name: str = "") -> int | None:
    text = (text or "").strip()
    if not text or text == "-":
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} '{clip(text)}' is not a number".strip()) from None
    if value < 0 or not value.is_integer():
        raise ValueError(f"{name} '{clip(text)}' is not a whole number".strip())
    return int(value)


def tidy_text(text: str, *, limit: int = 255) -> str:
    """Collapse spaces; cut very long values to fit the database.

    Text is stored as written, even when it starts with =, +, - or @ (real
    names such as "- The Grange" or "@Home Care" do). It is neutralised only
    where it is written into a spreadsheet: see providers/councils/exports.py.
    """
    if not text:
        return ""
    cleaned = " ".join(text.split()) if isinstance(text, str) else " ".join(str(text).split())
    if cleaned == "-":
        return ""
    return cleaned[:limit]


def text(limit: int = 255):
    """A validator for a free-text column: tidied, never a reason to set a row aside."""
    return lambda value: tidy_text(value, limit=limit)


def required_text(limit: int = 255):
    """A validator for a text column that must not be blank."""

    def check(value: str) -> str:
        cleaned = tidy_text(value, limit=limit)
        if not cleaned:
            raise ValueError("is blank")
        return cleaned

    return check


def parse_phone(text: str) -> str:
    """A UK phone number in one normal form: its digits, with the leading zero ('01510000000').

    CQC files drop the leading zero ('1510000000'); we put it back. This is
    cheap enough for 30,000 rows; pages group the digits for reading with
    providers/register/phones.py ('0151 000 0000'). Text that is not a UK number is kept
    as written: a phone number is never a reason to set a row aside.
    """
    cleaned = tidy_text(text, limit=40)
    digits = _PHONE_PUNCTUATION.sub("", cleaned)
    if digits.startswith(("+44", "0044")):
        digits = "0" + digits.removeprefix("+44").removeprefix("0044").removeprefix("0")
    if _UK_WITHOUT_ZERO.fullmatch(digits):
        return "0" + digits
    if _UK_WITH_ZERO.fullmatch(digits):
        return digits
    return cleaned


_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
# UK numbers are 10 or 11 digits with their leading zero.
_UK_WITHOUT_ZERO = re.compile(r"[1-9]\d{8,9}")
_UK_WITH_ZERO = re.compile(r"0[1-9]\d{8,9}")


def date_in_file_name(name: str) -> dt.date | None:
    """The date a published file's name gives, if any.

    'DSPT search results 17_10_2023 08_55_43.csv' -> 2023-10-17;
    '16_September_2026_HSCA_Active_Locations.ods' -> 2026-09-16;
    'dspt_trusts_snapshot_16_11_23.csv' -> 2023-11-16.
    """
    for pattern, form in _FILE_NAME_DATES:
        match = re.search(pattern, name)
        if match:
            day, month, year = match.groups()
            if len(year) == 2:
                year = f"20{year}"
            try:
                return parse_date(form.format(day, month, year))
            except ValueError:
                return None
    return None


# Most specific first: dd_mm_yyyy, then dd_Month_yyyy, then dd_mm_yy
# ('dspt_trusts_snapshot_16_11_23.csv').
_FILE_NAME_DATES = (
    (r"(?<!\d)(\d{2})_(\d{2})_(\d{4})(?!\d)", "{}/{}/{}"),
    (r"(?<!\d)(\d{1,2})[_ -]([A-Za-z]+)[_ -](\d{4})(?!\d)", "{} {} {}"),
    (r"(?<!\d)(\d{2})_(\d{2})_(\d{2})(?!\d)", "{}/{}/{}"),
)

"""The privacy summary maker: every sentence it can write, in plain English and Easy Read.

A care service ticks what it keeps, why, who it shares with and how it keeps
information safe; the summary is made from the form alone and nothing typed
is stored (see /privacy-summary/). tests/privacy_summary/test_privacy_summary.py checks the
reading level of every sentence here: plain words at grade 6 or below, Easy
Read at grade 4 or below with at most 15 words a sentence.

Each choice is (key, form label, plain words, Easy Read words, picture).
Plain words finish a sentence ("We keep …"); Easy Read words are one short
item in a list beside the picture.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    plain: str
    easy: str
    picture: str


KEEPS = [
    Choice("care_plan", "Care plan", "your care plan: the care and support you need", "your care plan", "list"),
    Choice("health", "Health and medicines", "notes about your health and the medicines you take",
           "your health and medicines", "pills"),
    Choice("contact", "Contact details", "your name, address and phone number", "your name and address", "house"),
    Choice("family", "Family contacts", "the names and phone numbers of family or friends to contact",
           "your family's phone numbers", "people"),
    Choice("money", "Money", "money we look after for you, and what your care costs", "your money", "money"),
    Choice("daily_notes", "Daily notes", "notes our staff write about your day", "notes about your day", "folder"),
]

REASONS = [
    Choice("care", "To give the right care", "to give you the care and support you need", "to give you the right care", "list"),
    Choice("safe", "To keep people safe and well", "to keep you safe and well", "to keep you safe", "lock"),
    Choice("health_team", "To work with doctors and nurses", "to work with your doctor, nurses and other carers",
           "to work with your doctor", "doctor"),
    Choice("pay", "To arrange payment", "to sort out who pays for your care", "to sort out paying for your care", "money"),
    Choice("law", "Because the law says so", "because the law says we must keep some records",
           "because the law says we must", "list"),
]

SHARES = [
    Choice("gp", "GP (family doctor)", "your GP, to look after your health", "your doctor", "doctor"),
    Choice("hospital", "Hospital", "a hospital, if you need to go there", "the hospital, if you go there", "hospital"),
    Choice("pharmacy", "Pharmacy", "the pharmacy, for your medicines", "the chemist, for your medicines", "pills"),
    Choice("council", "The council", "the council, if it arranges or pays for your care",
           "the council, if it pays for your care", "council"),
    Choice("family", "Family, with consent", "your family or friends, if you say yes",
           "your family, only if you say yes", "people"),
    Choice("cqc", "Care Quality Commission (CQC)", "the CQC, who check that our care is good",
           "the people who check care services", "search"),
]

SAFETY = [
    Choice("locked", "Locked cupboards and rooms", "We keep papers in locked cupboards.", "We lock papers away.", "lock"),
    Choice("passwords", "Passwords on computers", "Our computers and phones need a password.",
           "Our computers have passwords.", "computer"),
    Choice("need_to_know", "Only staff who need it", "Only staff who need your information can see it.",
           "Only staff who need it can see it.", "eye"),
    Choice("training", "Staff training", "Our staff learn how to keep information safe.",
           "Our staff learn how to keep it safe.", "people"),
    Choice("dspt", "Yearly data security check (DSPT)",
           "Every year we do the NHS check on how we keep data safe. It is called the DSPT.",
           "We do a safety check every year.", "list"),
]

GROUPS = {"keeps": KEEPS, "reasons": REASONS, "shares": SHARES, "safety": SAFETY}

# Fixed sentences: how long, seeing your records, and complaints.
PLAIN = {
    "intro": "This page tells you, in a few words, what information we keep about you and why.",
    "keeps": "We keep:",
    "reasons": "We keep it:",
    "shares": "We share your information with:",
    "shares_none": "We do not share your information unless the law says we must.",
    "safety": "How we keep it safe:",
    "keep_years": "We keep your records for {years} after your care ends. Then we destroy them safely.",
    "see": "You can ask to see the information we keep about you. It is free. We will answer within one month.",
    "ask": "Ask {contact}.",
    "ico": ("If you are not happy with our answer, you can tell the ICO. The ICO makes sure that groups keep "
            "information safe. Its full name is the Information Commissioner's Office. Phone 0303 123 1113."),
}
EASY = {
    "intro": ("folder", "This is about the information we keep about you."),
    "keeps": ("folder", "We write down:"),
    "reasons": ("question", "We need it:"),
    "shares": ("people", "We share it with:"),
    "shares_none": ("people", "We do not share it unless the law says we must."),
    "safety": ("lock", "We keep it safe."),
    "keep_years": ("clock", "We keep it for {years} after your care ends."),
    "see": ("eye", "You can ask to see what we write about you."),
    "ask": ("people", "Ask {contact}."),
    "ico": ("letter", "If you are not happy, you can tell the ICO."),
    "ico_what": ("lock", "The ICO checks that groups keep your details safe."),
    "ico_phone": ("phone", "Phone the ICO on 0303 123 1113."),
}


@dataclass(frozen=True)
class Section:
    """One part of the summary: a lead sentence, its items, and (for Easy Read) pictures."""

    key: str
    lead: str
    picture: str = ""
    items: tuple[tuple[str, str], ...] = ()  # (picture, words)


def years_words(years: int) -> str:
    return "1 year" if years == 1 else f"{years} years"


def contact_words(data: dict) -> str:
    parts = [data["contact_name"]]
    if data.get("contact_phone"):
        parts.append(f"on {data['contact_phone']}")
    if data.get("contact_email"):
        parts.append(f"or email {data['contact_email']}")
    return " ".join(parts)


def _chosen(group: str, data: dict, *, easy: bool) -> list[tuple[str, str]]:
    """The ticked choices of a group, then the service's own words."""
    items = [(c.picture, c.easy if easy else c.plain) for c in GROUPS[group] if c.key in data.get(group, [])]
    if data.get(f"{group}_other"):
        items.append(("list", data[f"{group}_other"]))
    return items


def plain_summary(data: dict) -> list[Section]:
    """The plain-English summary as sections, from the form's cleaned data."""
    sections = [Section("intro", PLAIN["intro"])]
    for group in ("keeps", "reasons", "shares", "safety"):
        items = _chosen(group, data, easy=False)
        if items:
            sections.append(Section(group, PLAIN[group], items=tuple(items)))
        elif group == "shares":
            sections.append(Section("shares_none", PLAIN["shares_none"]))
    sections.append(Section("keep_years", PLAIN["keep_years"].format(years=years_words(data["keep_years"]))))
    sections.append(Section("see", PLAIN["see"] + " " + PLAIN["ask"].format(contact=contact_words(data))))
    sections.append(Section("ico", PLAIN["ico"]))
    return sections


def easy_read_summary(data: dict) -> list[Section]:
    """The Easy Read summary: a picture and one short sentence each, lists kept short."""
    sections = [Section("intro", EASY["intro"][1], EASY["intro"][0])]
    for group in ("keeps", "reasons", "shares"):
        items = _chosen(group, data, easy=True)
        if items:
            picture, lead = EASY[group]
            sections.append(Section(group, lead, picture, tuple(items)))
        elif group == "shares":
            sections.append(Section("shares_none", EASY["shares_none"][1], EASY["shares_none"][0]))
    safety = _chosen("safety", data, easy=True)
    if safety:
        sections.append(Section("safety", EASY["safety"][1], EASY["safety"][0], tuple(safety)))
    picture, words = EASY["keep_years"]
    sections.append(Section("keep_years", words.format(years=years_words(data["keep_years"])), picture))
    # Whom to ask, and the ICO, each as one picture with its details beside it, so the
    # Easy Read page still fits one sheet of A4.
    ask = [("people", EASY["ask"][1].format(contact=data["contact_name"]))]
    if data.get("contact_phone"):
        ask.append(("phone", f"Phone {data['contact_phone']}."))
    if data.get("contact_email"):
        ask.append(("letter", f"Email {data['contact_email']}."))
    sections.append(Section("see", EASY["see"][1], EASY["see"][0], tuple(ask)))
    sections.append(Section("ico", EASY["ico"][1], EASY["ico"][0], (EASY["ico_what"], EASY["ico_phone"])))
    return sections


# The made-up care home in the published example (/privacy-summary/example/).
EXAMPLE = {
    "service_name": "Rosewood House (an example care home)",
    "keeps": ["care_plan", "health", "contact", "family", "money"],
    "keeps_other": "",
    "reasons": ["care", "safe", "health_team", "law"],
    "reasons_other": "",
    "shares": ["gp", "hospital", "pharmacy", "council", "family"],
    "shares_other": "",
    "safety": ["locked", "passwords", "need_to_know", "training", "dspt"],
    "safety_other": "",
    "keep_years": 3,
    "contact_name": "our manager, Sam Green",
    "contact_phone": "0161 496 0000",
    "contact_email": "",
}

"""A care service's phone number as people read it and as a phone calls it.

Imports keep each number in one normal form, its digits with the leading
zero ('01510000000': providers/imports/formats.py, parse_phone). Pages,
downloads and the API show it grouped as people write it ('0151 000 0000'),
which also keeps a spreadsheet from taking it for a number and dropping the
zero.
"""

import functools

import phonenumbers


@functools.lru_cache(maxsize=4096)
def _parsed_phone(phone: str):
    try:
        number = phonenumbers.parse(phone or "", "GB")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


@functools.lru_cache(maxsize=16384)
def phone_display(phone: str) -> str:
    """'01510000000' -> '0151 000 0000', grouped as people write it; anything else as it is.

    Remembered: a page of the API or a download formats the same numbers again and again."""
    number = _parsed_phone(phone)
    if number is None:
        return phone
    if number.country_code != 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_link(phone: str) -> str:
    """'01510000000' -> 'tel:+441510000000' (a link a phone can call), or '' when it is not a phone number."""
    number = _parsed_phone(phone)
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""

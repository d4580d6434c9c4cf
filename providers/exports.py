"""CSV exports, safe to open in a spreadsheet program.

A cell that starts with =, +, -, @, a tab or a carriage return can be run as
a formula by Excel or LibreOffice ("CSV injection"). Imported names are not
ours to trust, so every such cell gets a leading apostrophe, which spreadsheet
programs show as plain text.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object that returns what is written, for streaming CSV."""

    def write(self, value):
        return value


def csv_lines(rows):
    """Yield CSV text lines for an iterable of rows, every cell made safe."""
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])

"""What every reader and importer shares about saying what is wrong with a file."""


class FileProblem(Exception):
    """The whole file cannot be read. The message is shown to the admin as it is."""


def clip(text: str, length: int = 80) -> str:
    """At most `length` characters of a value, without control characters, for a message.

    A value quoted in a report may be 10,000 characters long or hold a NUL
    byte (which PostgreSQL cannot store in the run record), so every value a
    message quotes goes through here.
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return text if len(text) <= length else text[: length - 1] + "…"

"""The exception every reader and importer raises when a whole file cannot be used."""


class FileProblem(Exception):
    """The whole file cannot be read. The message is shown to the admin as it is."""

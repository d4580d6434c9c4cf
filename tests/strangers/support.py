"""What the strangers' tests draw from: every route of the URLconf, the query parameters each one reads,
the forms each page shows, and junk of every kind (tests/strangers/test_every_route.py).

Nothing here is a list of addresses typed by hand: the routes come from the URLconf, the parameters from
recording what the views read, and the forms from the pages' own HTML, so what is added tomorrow is
covered the day it lands.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from hypothesis import strategies as st

PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One route: its address with <placeholders>, its URL name, and whether only staff may open it."""

    template: str
    name: str

    @property
    def placeholders(self) -> list[str]:
        return [match.group("name") for match in PLACEHOLDER.finditer(self.template)]

    @property
    def staff_only(self) -> bool:
        return self.template.startswith("/admin/") and self.template != "/admin/login/"

    @property
    def api(self) -> bool:
        return self.template.startswith("/api/") and self.template != "/api/v1/docs/"

    def fill(self, values: dict[str, str]) -> str:
        """The address with each placeholder replaced by its value, percent-encoded as a browser would."""
        return PLACEHOLDER.sub(lambda match: quote(values[match.group("name")], safe=""), self.template)

    def __str__(self) -> str:
        return self.template


def every_route() -> list[Route]:
    """Every route of the URLconf, once each (django-ninja lists an address twice: GET and the others)."""
    routes: dict[str, Route] = {}

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            text = _pattern_text(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + text)
            elif isinstance(entry, URLPattern):
                template = prefix + text
                routes.setdefault(template, Route(template, entry.name or ""))

    walk(get_resolver().url_patterns, "/")
    return sorted(routes.values(), key=lambda route: route.template)


def _pattern_text(pattern) -> str:
    """A path() route as it is written; a re_path() with each named group as a <placeholder>."""
    if not isinstance(pattern, RegexPattern):
        return str(pattern)
    return REGEX_GROUP.sub(lambda match: f"<{match.group('name')}>", str(pattern).lstrip("^").rstrip("$"))


# --- The query parameters each view reads ---------------------------------------------------------

READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    """request.GET that notes each name a view or form asks for."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        READ.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class RecordQueryNames:
    """Test-only middleware, first in the stack: every request's GET records the names read from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict(request.META.get("QUERY_STRING", ""), encoding=request.encoding)
        return self.get_response(request)


# --- Forms a page shows -----------------------------------------------------------------------------


@dataclass
class Form:
    """A POST form as a page shows it: where it is sent and each field with the values the page offers."""

    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    multipart: bool = False


class FormFinder(HTMLParser):
    """Every <form method="post"> of a page, with the names of its inputs, selects, textareas and buttons."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path, self.forms, self.current = page_path, [], None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                action = attributes.get("action") or self.page_path
                self.current = Form(urlsplit(action).path or self.page_path,
                                    multipart="multipart" in (attributes.get("enctype") or ""))
                self.forms.append(self.current)
            return
        name = attributes.get("name")
        if self.current is None or not name or tag not in ("input", "select", "textarea", "button"):
            return
        values = self.current.fields.setdefault(name, [])
        if attributes.get("value") is not None:
            values.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_on(html: str, page_path: str) -> list[Form]:
    finder = FormFinder(page_path)
    finder.feed(html)
    options = re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S)
    for form in finder.forms:
        for name, body in options:
            if name in form.fields:
                form.fields[name].extend(re.findall(r'<option[^>]*value="([^"]*)"', body))
    return finder.forms


# --- Junk ------------------------------------------------------------------------------------------

# Values no one thought of, each of which has broken a web app somewhere.
AWKWARD = [
    "", " ", "0", "-1", "-0", "1.5", "1e9", "1_000", "0x10", "NaN", "inf", "-inf", "true", "null", "[]", "{}",
    "99999999999999999999", str(2**63 - 1), str(2**63), str(-(2**63) - 1), "9" * 5000,
    "\x00", "a\x00b", "%00", "\x1b[31m", "\x7f", "\x85", "\u202eevil", "\u200b", "\ufeff", "\ud7ff", "\uffff",
    "\U0001f600", "e\u0301", "ǅ", "İ", "ß", "\n", "\r\n", "\t", "\x0c", "\x0b",
    "<script>alert(1)</script>", "\"'><b>", "'; DROP TABLE providers_location; --", "%", "_", "\\", "../../etc/passwd",
    "x" * 10_000, "é" * 5_000, "L8 1AA", "ZZ99 9ZZ", "1-545611283", "VLLWV", "https://example.com/", "javascript:alert(1)",
    "=HYPERLINK(\"http://x\")", "@SUM(1)", "2026-02-29", "29/02/2027",
]

UNKNOWN_NAMES = ["utm_source", "q[]", "page[0]", "a[b]", "", " ", "PAGE", "Q", "x" * 300, "\u202eq", "\x00", "%00"]


def junk_text() -> st.SearchStrategy[str]:
    """Any text: the awkward values above, numbers of every size, and any Unicode (controls included)."""
    return st.one_of(
        st.sampled_from(AWKWARD),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(st.characters(codec="utf-8"), max_size=40),
        st.text(st.characters(codec="utf-8"), min_size=200, max_size=2000),
    )


def query_strings(names: list[str], plausible: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """Query strings of the parameters views read (sensible or junk values), repeated or not, and unknown ones."""
    name = st.one_of(st.sampled_from(names), st.sampled_from(UNKNOWN_NAMES), st.text(max_size=10)) if names \
        else st.one_of(st.sampled_from(UNKNOWN_NAMES), st.text(max_size=10))

    @st.composite
    def pair(draw) -> tuple[str, str]:
        chosen = draw(name)
        values = plausible.get(chosen)
        value = draw(st.sampled_from(values)) if values and draw(st.booleans()) else draw(junk_text())
        return chosen, value

    return st.lists(pair(), max_size=6).map(lambda pairs: urlencode(pairs, quote_via=quote))


def path_values(route: Route, real: dict[str, list[str]]) -> st.SearchStrategy[dict[str, str]]:
    """A value for each placeholder: a real one (an ID, a slug, a token we hold) or junk."""
    def one(name: str) -> st.SearchStrategy[str]:
        known = real.get(name) or real.get("object_id" if name.endswith("_id") else name) or ["1"]
        return st.one_of(st.sampled_from(known), st.sampled_from(known), junk_text().filter(bool))

    return st.fixed_dictionaries({name: one(name) for name in route.placeholders})


def today_seed() -> int:
    """A seed that changes every day, so each day's run tries inputs no earlier run tried."""
    return int(dt.date.today().strftime("%Y%m%d"))

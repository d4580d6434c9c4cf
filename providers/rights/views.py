"""/your-rights/: help to write to a care service about your information, in plain English and Easy Read.

A person chooses the care service (from its page, or by searching here),
says who the information is about and what they want to ask, and gets a
short letter addressed to that service, with what happens next: to print
(one A4 page each), copy, or send from their own email program. Nothing they
type is stored or logged: the form is sent by POST (never in an address a
log would keep) and the letter is made from it each time.
"""

from urllib.parse import quote

from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from providers.performance import counting
from providers.register.models import Location
from providers.results import status_text
from providers.rights import words
from providers.rights.forms import LetterForm
from providers.search.finder import find_services
from providers.search.paging import PAGE_SIZE, ResultCardPaginator
from providers.search.forms import SearchForm

# The link at the top of each page to its other version.
EASY_READ_SWITCH = {"url": reverse_lazy("easy_read_your_information"), "label": "Easy Read"}


def your_rights(request):
    """Choose the care service, then answer a few questions; a POST of the answers gives the letters."""
    service_id = request.POST.get("service") or request.GET.get("service", "")
    if not service_id:
        return _choose_service(request)
    location = get_object_or_404(Location.objects.select_related("provider"), cqc_location_id=service_id[:20])
    if request.method == "POST" and "edit" in request.POST:
        # Back from the letters to change the answers: shown as they were, without errors.
        form = LetterForm(initial=request.POST.dict())
    else:
        form = LetterForm(request.POST or None, initial={"service": location.cqc_location_id})
        if form.is_valid():
            counting.count(counting.LETTER, request=request)
            return _letters_page(request, location, form.cleaned_data)
    return render(request, "rights/maker.html", {"form": form, "location": location, "switch": EASY_READ_SWITCH})


def _choose_service(request):
    """First, which care service: search by name, town or postcode (with no script, a plain form)."""
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        today = timezone.localdate()
        result = find_services(query=form.cleaned_data["q"], today=today)
        page = ResultCardPaginator(result.services, PAGE_SIZE, today=today).get_page(1)
    return render(request, "rights/choose.html", {"form": form, "page": page, "kinds": words.KINDS.values(),
                                                  "switch": EASY_READ_SWITCH})


def example(request, kind):
    """/your-rights/examples/<kind>/: an example letter of each kind, to a made-up care home."""
    if kind not in words.KINDS:
        return render(request, "404.html", status=404)
    name, address = words.EXAMPLE_SERVICE
    letter = words.letter(kind=kind, service_name=name, service_address=address, for_someone=False,
                          your_name="Sam Green", their_name="", details=words.EXAMPLE_DETAILS,
                          written_on=timezone.localdate())
    return render(request, "rights/letters.html", {"letter": letter, "example": True, "kind": words.KINDS[kind],
                                                   "kinds": words.KINDS.values(), "mailto": _mailto(letter)})


def _letters_page(request, location, data: dict):
    """The letters made from the answers, and the answers again (hidden) to go back and change them."""
    letter = words.letter(kind=data["kind"], service_name=location.display_name,
                          service_address=location.address_lines, for_someone=data["who"] == "someone",
                          your_name=data["your_name"], their_name=data["their_name"], details=data["details"],
                          written_on=timezone.localdate())
    answers = [(name, value) for name, value in data.items() if value]
    return render(request, "rights/letters.html", {
        "letter": letter, "example": False, "location": location, "answers": answers,
        "kind": words.KINDS[data["kind"]], "mailto": _mailto(letter)})


def _mailto(letter) -> str:
    """A mailto: link that opens the person's own email program with the letter written in."""
    return f"mailto:?subject={quote(letter.subject)}&body={quote(letter.text)}"


def easy_read_your_information(request):
    """/easy-read/your-information/: what you can ask a care service about your information, in Easy Read."""
    return render(request, "rights/easy_read.html", {
        "pictures": status_text.EASY_READ_PICTURES, "questions": status_text.EASY_READ_QUESTIONS,
        "sections": words.EASY_READ_PAGE,
        "switch": {"url": reverse("your_rights"), "label": "Standard version of this page"}})

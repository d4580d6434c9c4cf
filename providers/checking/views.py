"""Check a whole list of care services at once (/check-a-list/), for councils' contracts and commissioning teams."""

import base64

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from dsptlookup import limits
from providers.checking import columns, lists
from providers.checking.forms import ListForm
from providers.checking.matching import HOW
from providers.imports.tabular import FileProblem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_limit() -> limits.Limit:
    """Each client may check LIST_CHECKS_BURST lists at once, then one each LIST_CHECK_EVERY_SECONDS."""
    return limits.Limit("list_check", 1 / settings.LIST_CHECK_EVERY_SECONDS, settings.LIST_CHECKS_BURST)


def check_a_list(request):
    """Upload a CSV or .xlsx list; see what each row is, and download the list back with the answers added.

    Nothing uploaded is kept or logged: the file is read and matched within this request, and the answer
    files travel in the page itself (data: links), so there is nothing to fetch later and nothing stored.
    """
    form = ListForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "checking/check_a_list.html", {"form": form}, status=400 if form.errors else 200)
    if limits.take(list_limit(), limits.client_address(request)) is None:
        form.add_error(None, "You have checked a lot of lists. Wait a minute, then try again.")
        return render(request, "checking/check_a_list.html", {"form": form}, status=429)
    try:
        uploaded = lists.read_list(form.cleaned_data["file"])
    except FileProblem as problem:
        form.add_error("file", str(problem))
        return render(request, "checking/check_a_list.html", {"form": form}, status=400)
    roles = _roles(uploaded, form.chosen_roles())
    checked = lists.check(uploaded, roles, today=timezone.localdate(), base_url=request.build_absolute_uri("/")[:-1])
    return render(request, "checking/checked.html", {
        "checked": checked, "how": HOW, "roles": _roles_in_words(uploaded, roles),
        "form": ListForm(headings=uploaded.headings, initial={role: _choice(position) for role, position in roles.items()}),
        "needs_name": roles["name"] is None and roles["location_id"] is None and roles["ods_code"] is None,
        "csv_link": _data_link("text/csv;charset=utf-8", lists.as_csv(checked)),
        "xlsx_link": _data_link(XLSX, lists.as_xlsx(checked)),
        "file_stem": _stem(uploaded.file_name),
    })


def _roles(uploaded: lists.UploadedList, chosen: dict[str, str]) -> dict[str, int | None]:
    """The columns to use: the guess, with whatever the visitor chose instead (a column past the list's last is
    none)."""
    roles = columns.guess(uploaded.headings, [cells for _, cells in uploaded.data_rows])
    for role, choice in chosen.items():
        if choice == "-":
            roles[role] = None
        elif choice.isdigit():
            roles[role] = int(choice) if int(choice) < len(uploaded.headings) else None
    return roles


def _choice(position: int | None) -> str:
    return "-" if position is None else str(position)


def _roles_in_words(uploaded: lists.UploadedList, roles: dict[str, int | None]) -> list[tuple[str, str]]:
    return [(label, uploaded.headings[roles[role]].strip() or f"Column {roles[role] + 1}" if roles[role] is not None
             else "None") for role, label in columns.ROLES.items()]


def _data_link(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _stem(file_name: str) -> str:
    """A safe name for the answer files: their file's name without its extension, letters, digits, - and _."""
    stem = file_name.rsplit(".", 1)[0]
    return "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in stem).strip()[:80] or "list"

"""Public pages of DSPT Lookup."""

from django.shortcuts import render

from providers.models import DsptOrganisation, ImportRun, Location


def home(request):
    """The start page: what the service is, and where to search."""
    last_import = (
        ImportRun.objects.filter(state__in=[ImportRun.State.SUCCEEDED, ImportRun.State.APPLIED])
        .order_by("-finished_at")
        .first()
    )
    stats = {
        "locations": Location.objects.registered().count(),
        "organisations": DsptOrganisation.objects.count(),
        "updated": last_import.finished_at if last_import else None,
    }
    return render(request, "pages/home.html", {"stats": stats})


def about(request):
    """Why the service exists and where its data comes from."""
    return render(request, "pages/about.html")


def accessibility(request):
    """The accessibility statement."""
    return render(request, "pages/accessibility.html")


def privacy(request):
    """The privacy notice."""
    return render(request, "pages/privacy.html")

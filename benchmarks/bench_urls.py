"""URLs for the search benchmark: the real app, plus a bare view to compare against."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """Does nothing: the cost of Django's request handling and middleware alone."""
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare), path("", include("dsptlookup.urls"))]

"""/follow/: get emails when results change, or reminders to renew; confirm, manage and stop them.

Links in emails carry the address's secret token; confirming and stopping
need a press of a button (a POST), so a mail scanner that opens links changes
nothing. The one-click unsubscribe of RFC 8058 is that same POST, sent by the
mail program, so it needs no CSRF token.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from dsptlookup import limits
from providers import tasks
from providers.following import services
from providers.following.forms import FollowForm
from providers.following.models import Follow, Subscriber
from providers.performance import counting
from providers.register.models import Location, Provider

# Per visitor: ten sign-ups an hour. Per address: five, then one a day; more are dropped without a word,
# so the answer is the same whoever asks about whichever address.
SIGN_UPS = limits.Limit("follow", per_second=10 / 3600, burst=10)
SIGN_UPS_PER_ADDRESS = limits.Limit("follow-address", per_second=1 / 86400, burst=5)

WHAT = {  # ?<parameter>=<value> in the sign-up address: what is followed
    "service": Follow.Kind.SERVICE, "provider": Follow.Kind.PROVIDER, "area": Follow.Kind.AREA,
    "remind": Follow.Kind.REMINDER,
}


def what_to_follow(params) -> tuple[str, str, str, str]:
    """(kind, key, name, page address) from ?service=, ?provider=, ?area= or ?remind=; 404 if there is none."""
    for parameter, kind in WHAT.items():
        key = params.get(parameter, "")[:100]
        if not key:
            continue
        if kind in (Follow.Kind.SERVICE, Follow.Kind.REMINDER):
            location = get_object_or_404(Location, cqc_location_id=key)
            return kind, key, location.display_name, reverse("service", args=[key])
        if kind == Follow.Kind.PROVIDER:
            provider = get_object_or_404(Provider, cqc_provider_id=key)
            return kind, key, provider.name, reverse("provider", args=[key])
        name = Location.objects.registered().area_names().get(key)
        if name:
            return kind, key, name, reverse("area", args=[key])
    raise Http404("Nothing to follow")


def follow(request):
    """/follow/?service=<CQC location ID> (or provider=, area=, remind=): the sign-up form."""
    params = request.POST if request.method == "POST" else request.GET
    kind, key, name, page = what_to_follow(params)
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limits.take(SIGN_UPS, limits.client_address(request)) is None:
            form.add_error(None, "You have asked for a lot of emails. Please try again in an hour.")
        else:
            email = form.cleaned_data["email"].lower()
            if not form.is_bot and limits.take(SIGN_UPS_PER_ADDRESS, email) is not None:
                services.sign_up(email=email, kind=kind, key=key, name=name)
                tasks.send_messages_soon()
            return redirect("follow_check_email")
    return render(request, "following/follow.html", {"form": form, "kind": kind, "key": key, "name": name,
                                                      "page": page, "parameter": _parameter(kind)})


def _parameter(kind: str) -> str:
    return next(parameter for parameter, k in WHAT.items() if k == kind)


def check_email(request):
    """The same answer for every sign-up (no one can learn whether an address was signed up before)."""
    return render(request, "following/check_email.html", {"days": settings.FOLLOW_CONFIRM_DAYS})


def confirm(request, signed):
    """The link in the confirmation email: what will start, and a button to start it.

    Every sign-up waiting for this address is listed (one email a day asks for
    them all); the button starts exactly those shown.
    """
    subscriber = services.subscriber_from_confirm_link(signed)
    if subscriber is None:
        return render(request, "following/link_expired.html", {"days": settings.FOLLOW_CONFIRM_DAYS}, status=404)
    if request.method == "POST":
        started = services.confirm(subscriber, [int(i) for i in request.POST.getlist("follow")
                                                if i.isdigit() and len(i) < 10])
        if started:
            counting.count(counting.FOLLOW, request=request, by=len(started))
        return redirect(reverse("follow_manage", args=[subscriber.token]) + "?started=1")
    return render(request, "following/confirm.html", {"waiting": subscriber.follows.waiting(), "signed": signed})


def manage(request, token):
    """Everything an address follows, each with a button to stop it."""
    subscriber = get_object_or_404(Subscriber, token=token)
    if request.method == "POST":
        chosen = request.POST.get("follow", "")
        follow = get_object_or_404(Follow, pk=int(chosen) if chosen.isdigit() and len(chosen) < 10 else 0,
                                   subscriber=subscriber)
        services.stop_following(follow)
        if not Subscriber.objects.filter(pk=subscriber.pk).exists():
            return redirect("follow_stopped")
        return redirect("follow_manage", token=token)
    return render(request, "following/manage.html", {"subscriber": subscriber, "started": "started" in request.GET,
                                                     "follows": subscriber.follows.confirmed()})


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" here, with no form of ours
def stop(request, token):
    """Stop every email and delete the address: a button on the page, or one click in a mail program."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if request.method == "POST":
        if subscriber:
            services.stop_everything(subscriber)
        return render(request, "following/stopped.html")  # 200, as mail programs expect
    if subscriber is None:
        return redirect("follow_stopped")  # stopped already: saying so is true, and tells nothing more
    return render(request, "following/stop.html", {"token": token})


def stopped(request):
    return render(request, "following/stopped.html")


def renew(request):
    """/for-care-services/renew/: how a care service does or renews its DSPT check, step by step."""
    return render(request, "following/renew.html")

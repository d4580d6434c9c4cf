"""A care service's reply: the form on a page of its own (the service page a cache keeps carries no cookie),
'check your email', and the confirmation link."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render

from dsptlookup import limits
from providers.register.models import Location
from providers.replies import services
from providers.replies.forms import ReplyForm

# Three replies at once from one client, then one every 20 minutes: a care service sends one or two.
REPLIES = limits.Limit("replies", per_second=3 / 3600, burst=3)


def reply(request, location_id):
    """/services/<id>/reply/: a care service's reply, or a request to correct its result.

    Nothing is shown until the sender confirms their email address and an admin publishes it. The answer
    is the same whatever the address (no one can learn who sent what).
    """
    location = get_object_or_404(Location, cqc_location_id=location_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limits.take(REPLIES, limits.client_address(request)) is None:
            form.add_error(None, "You have sent a lot of replies. Please try again in an hour.")
        else:
            if not form.is_bot:
                services.send(location=location, **{k: form.cleaned_data[k] for k in ("kind", "text", "name", "email")})
            return redirect("reply_check_email", location_id=location.cqc_location_id)
    return render(request, "replies/reply.html", {"form": form, "location": location})


def check_email(request, location_id):
    """After sending: confirm your address."""
    location = get_object_or_404(Location, cqc_location_id=location_id)
    return render(request, "replies/check_email.html", {"location": location, "days": settings.FOLLOW_CONFIRM_DAYS})


def confirm(request, signed):
    """The link in the email: a button that sends the reply to us (a mail scanner opening the link sends nothing)."""
    found = services.from_confirm_link(signed)
    if found is None:
        return render(request, "following/link_expired.html", {"days": settings.FOLLOW_CONFIRM_DAYS}, status=404)
    if request.method == "POST":
        services.confirm(found)
        return render(request, "replies/confirmed.html", {"reply": found})
    return render(request, "replies/confirm.html", {"reply": found, "signed": signed})

"""manage.py reset_second_factor USERNAME: for a staff member who lost their phone and their recovery codes.

Forgets their authenticator app, passkeys and recovery codes and signs them out everywhere; at their next
sign-in they set up a second factor again. Recorded in their admin history and the log
(docs/operations.md, "A locked-out admin").
"""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from providers.staff import second_factor


class Command(BaseCommand):
    help = "Forget a staff member's second factors (they lost them) and sign them out everywhere."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", default="", help="Who is doing this, for the record (default: your login name).")

    def handle(self, *args, username, by, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_staff:
            raise CommandError(f"No staff member is called {username!r}.")
        removed = second_factor.reset(user, by=by or f"operator {getpass.getuser()}")
        self.stdout.write(f"Reset {username}: removed {removed['authenticator apps']} authenticator app(s), "
                          f"{removed['passkeys']} passkey(s) and their recovery codes; signed out of "
                          f"{removed['sessions']} session(s). They set up a second factor at their next sign-in.")

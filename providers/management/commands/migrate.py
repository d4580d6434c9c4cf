"""`manage.py migrate`, with every change a migration makes to our data recorded as a migration's
(the record of changes, providers/history/context.py)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from providers.history.context import recorded


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with recorded("migration"):
            return super().handle(*args, **options)

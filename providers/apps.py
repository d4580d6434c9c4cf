from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def _no_statement_timeout(using="default", **kwargs):
    """Migrations may rewrite large tables: lift the web's statement timeout for them."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")


def _statement_timeout_back(using="default", **kwargs):
    """After migrating, the connection's own limit again (the one settings.DATABASES gives it)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("RESET statement_timeout")


class ProvidersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "providers"
    verbose_name = "Care services and DSPT data"

    def ready(self):
        pre_migrate.connect(_no_statement_timeout, sender=self)
        post_migrate.connect(_statement_timeout_back, sender=self)

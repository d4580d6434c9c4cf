"""The shared cache: a table in PostgreSQL that every app process reads, whose writes never fail a request.

A cache write only saves work. When the primary cannot be written (it has
stopped, and public pages are answering from the replica: docs/operations.md),
the value is not kept and is simply worked out again next time; reads still
come from whichever database the router chooses.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, router, transaction

logger = logging.getLogger(__name__)


class SharedCache(DatabaseCache):
    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        try:
            return super()._base_set(mode, key, value, timeout)  # (in a savepoint of its own)
        except DatabaseError as error:
            logger.warning("Not kept in the shared cache: %s", str(error).strip()[:200])
            return False

    def _base_delete_many(self, keys):
        # Reading an expired value deletes it: a write, even in a request that only reads. Every read calls
        # this, mostly with no keys: then it must not even open the primary's connection.
        if not keys:
            return False
        try:
            with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
                return super()._base_delete_many(keys)
        except DatabaseError as error:
            logger.warning("Not deleted from the shared cache: %s", str(error).strip()[:200])
            return False

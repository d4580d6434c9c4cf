"""What search keeps besides the care services: the word list for typos, and postcodes."""

from django.db import models


class SearchWord(models.Model):
    """Every word in a registered care service's name, place, street or provider, and how many services use it.

    The search corrects a typed word against this list (providers/search/planning.py).
    Rebuilt after each CQC import, added to when a service is edited in the admin
    (providers/search/word_list.py).
    """

    word = models.TextField(primary_key=True)
    services = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(name="search_word_prefix", fields=["word"], opclasses=["text_pattern_ops"])]

    def __str__(self):
        return self.word


class Postcode(models.Model):
    """A postcode and where it is, for finding services near a visitor."""

    postcode = models.CharField(max_length=10, primary_key=True, help_text="Normalised, e.g. 'L8 1AA'.")
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        indexes = [models.Index(name="postcode_prefix", fields=["postcode"], opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.postcode

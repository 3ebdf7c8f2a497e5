from django.db import models

from core.models import Person


class Sample(models.Model):
    """Like a future app's record of a person (a test sample), with a hidden reverse relation
    (``related_name="+"``): merge and purge must find it all the same."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=40, blank=True)

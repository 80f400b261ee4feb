"""The atlas owns no table: it keeps its data in files. It owns the body map, so the one way to store a position on
it is here, as abstract models that the apps recording points inherit (assessment, treatment)."""

from django.db import models

REGION_MAX_LENGTH = 40  # an atlas region id, e.g. "right-upper-back"


class BodyView(models.TextChoices):
    """The two drawings of the body map (the atlas' `VIEWS`)."""

    FRONT = "front", "Front"
    BACK = "back", "Back"


class MapPosition(models.Model):
    """Where a point was marked on the body map: the atlas region and the click's x, y on that view's drawing
    (in the drawing's viewBox units). All four are required: a trigger point found on examination is always placed."""

    region = models.CharField(max_length=REGION_MAX_LENGTH)
    view = models.CharField(max_length=5, choices=BodyView.choices)
    x = models.FloatField()
    y = models.FloatField()

    class Meta:
        abstract = True


class OptionalMapPosition(models.Model):
    """A position on the body map that may be left out (a needling entry without its site marked). The same fields
    as `MapPosition`, each blank or null when there is no position."""

    region = models.CharField(max_length=REGION_MAX_LENGTH, blank=True)
    view = models.CharField(max_length=5, choices=BodyView.choices, blank=True)
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True

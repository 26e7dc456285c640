"""Operational figures that plans' measurable targets name, and their observed values.

* A `Measure` is a figure a target can name: share of dossiers settled on time, written apologies
  for late dossiers, portal feedback answered within 24 hours, satisfaction rate, … Each has a
  stable `code` (`on_time_dossiers`), a Vietnamese name, its unit ("%", "giờ") and the words
  plans use for it (`keywords`), which match a task's measurable target to it.
* An `Observation` is the value of a measure for a unit over a period (start and end dates), from
  a source (the one-stop-shop system's export, the portal, a survey, entered by hand). A unit has
  at most one value of a measure per period.

National measures (no owner) are managed by superusers; a unit may add its own measures.
Observations are read within the unit's scope and written by those who may edit the unit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.core.models import BaseModel
from chiso.core.text import fold, nfc
from chiso.units.scope import VIEW, acts, unit_scope, within_scope


class MeasureQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW) -> MeasureQuerySet:
        """National measures are read by every signed-in user; a unit's own within its scope."""
        if not acts(user):
            return self.none()
        scope = unit_scope(user, action)
        if scope.everything:
            return self
        if action == VIEW:
            return self.filter(Q(owner__isnull=True) | Q(owner_id__in=scope.ids))
        return self.filter(owner_id__in=scope.ids)


class Measure(BaseModel):
    """A figure a measurable target names (`on_time_dossiers`: share of dossiers settled on time)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    keywords = models.TextField(
        _("cách viết trong kế hoạch"),
        blank=True,
        help_text=_("Mỗi dòng một cách viết chỉ tiêu trong kế hoạch, ví dụ: hồ sơ giải quyết đúng hạn."),
    )
    min_value = models.DecimalField(
        _("giá trị nhỏ nhất"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("giá trị lớn nhất"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị sở hữu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        help_text=_("Để trống với số liệu dùng chung toàn quốc."),
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu đo lường")
        verbose_name_plural = _("số liệu đo lường")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        # One phrase per line: normalise each line, keep the line breaks (nfc would join them).
        self.keywords = "\n".join(line for line in map(nfc, self.keywords.splitlines()) if line)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.min_value is not None and self.max_value is not None and self.max_value < self.min_value:
            raise ValidationError({"max_value": _("Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất.")})

    @property
    def folded_keywords(self) -> list[str]:
        return [fold(line) for line in [self.name, *self.keywords.splitlines()] if line.strip()]


class ObservationQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW) -> ObservationQuerySet:
        return within_scope(self, user, action, "unit_id")

    def in_window(self, start, end) -> ObservationQuerySet:
        """Observations whose period ends inside [start, end]."""
        return self.filter(period_end__gte=start, period_end__lte=end)


class Observation(BaseModel):
    """The value of a measure for a unit over a period."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("số liệu"), on_delete=models.PROTECT, related_name="observations"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="observations"
    )
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=4)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("giá trị số liệu")
        verbose_name_plural = _("giá trị số liệu")
        ordering = ["measure_id", "unit_id", "-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "unit", "period_start", "period_end"], name="unique_observation_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="observation_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} — {self.unit} — {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}: {self.value}"

"""Index results: score sets per unit, year and framework version, and the assessments that make them.

* A `ScoreSet` is one unit's result for one year in one framework version from one source:
  the official publication, the unit's self-assessment, the appraisal of that self-assessment,
  a chiso survey, or a series derived from the unit's predecessors (a province formed in 2025
  has no published PAPI for 2018–2024). A unit has at most one set per (version, year, source).
* A `Score` is one value of a set at one level of the criteria tree: the total (no criterion),
  a dimension, a sub-dimension or an indicator; with, where the source gives them, the rank,
  the number of units ranked, the group (PAPI's four groups) and a confidence interval.
* A derived set records which sets it was computed from (`ScoreSetComponent`) and how
  (`method`); it is never shown without the label "số liệu quy đổi từ các đơn vị cũ".
* `Population` holds the figures that weight a derived series; without them the plain mean is
  used, and the method says so.
* An `Assessment` is a unit's self-assessment of points per criterion (`AssessmentItem`), which
  the appraising body accepts or adjusts criterion by criterion with a reason; finalising it
  writes two score sets, self-assessed and appraised.

Who sees what: published sets (official, derived from official, final appraisals) are read by
every signed-in user and, on a unit's public page, by anyone; other sets (self-assessments,
surveys in progress) only within the unit's scope. Writes need COORDINATE on the unit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.core.models import BaseModel
from chiso.units.scope import VIEW, acts, unit_scope, within_scope


class Source(models.TextChoices):
    OFFICIAL = "official", _("Công bố chính thức")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    APPRAISAL = "appraisal", _("Thẩm định")
    SURVEY = "survey", _("Khảo sát của chiso")
    DERIVED = "derived", _("Số liệu quy đổi từ các đơn vị cũ")


class Group(models.TextChoices):
    """PAPI's four groups of provinces on a score (quartiles of the year's distribution)."""

    BEST = "best", _("Nhóm đạt điểm cao nhất")
    HIGH_AVERAGE = "high_average", _("Nhóm đạt điểm trung bình cao")
    LOW_AVERAGE = "low_average", _("Nhóm đạt điểm trung bình thấp")
    POOR = "poor", _("Nhóm đạt điểm thấp nhất")


GROUP_ORDER = [Group.BEST, Group.HIGH_AVERAGE, Group.LOW_AVERAGE, Group.POOR]


class ScoreSetQuerySet(models.QuerySet):
    def published(self) -> ScoreSetQuerySet:
        return self.filter(is_public=True)

    def for_year(self, year: int) -> ScoreSetQuerySet:
        return self.filter(year=year)

    def of_framework(self, framework) -> ScoreSetQuerySet:
        return self.filter(version__framework=framework)

    def restrict(self, user, action: str = VIEW) -> ScoreSetQuerySet:
        """Published sets for every signed-in user; the rest within the unit's scope."""
        if not acts(user):
            return self.none()
        if action == VIEW:
            scope = unit_scope(user, VIEW)
            if scope.everything:
                return self
            return self.filter(Q(is_public=True) | Q(unit_id__in=scope.ids))
        return within_scope(self, user, action, "unit_id")


class ScoreSet(BaseModel):
    """One unit's result in one framework version for one year, from one source."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="score_sets"
    )
    version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        verbose_name=_("phiên bản bộ chỉ số"),
        on_delete=models.PROTECT,
        related_name="score_sets",
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    source = models.CharField(_("nguồn số liệu"), max_length=20, choices=Source.choices)
    publication = models.CharField(
        _("văn bản, ấn phẩm công bố"),
        max_length=500,
        blank=True,
        help_text=_("Ví dụ: Báo cáo PAPI 2023; Quyết định số …/QĐ-BNV công bố Chỉ số CCHC."),
    )
    published_on = models.DateField(
        _("ngày công bố"),
        null=True,
        blank=True,
        help_text=_("Để trống khi không rõ: kết quả năm N được coi là có từ ngày 01/5 năm N+1."),
    )
    source_note = models.TextField(_("ghi chú nguồn"), blank=True)
    method = models.TextField(_("cách tính"), blank=True)
    is_public = models.BooleanField(_("công khai"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScoreSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ kết quả chỉ số")
        verbose_name_plural = _("bộ kết quả chỉ số")
        ordering = ["-year", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "version", "year", "source"], name="unique_score_set_per_source"
            )
        ]
        indexes = [models.Index(fields=["version", "year", "source"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.version.framework} {self.year} ({self.get_source_display()})"

    @property
    def is_derived(self) -> bool:
        return self.source == Source.DERIVED


class ScoreSetComponent(models.Model):
    """A set a derived set was computed from, with its weight in the aggregation."""

    derived = models.ForeignKey(ScoreSet, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(ScoreSet, on_delete=models.CASCADE, related_name="derived_into")
    weight = models.DecimalField(_("trọng số"), max_digits=16, decimal_places=6)

    class Meta:
        verbose_name = _("thành phần quy đổi")
        verbose_name_plural = _("thành phần quy đổi")
        ordering = ["derived_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["derived", "component"], name="unique_score_set_component")
        ]

    def __str__(self) -> str:
        return f"{self.component} → {self.derived}"


class Score(models.Model):
    """One value of a score set: the total (no criterion) or one criterion of the version."""

    score_set = models.ForeignKey(ScoreSet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("tiêu chí"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scores",
        help_text=_("Để trống với điểm tổng."),
    )
    value = models.DecimalField(_("điểm"), max_digits=12, decimal_places=4)
    rank = models.PositiveIntegerField(_("thứ hạng"), null=True, blank=True)
    ranked = models.PositiveIntegerField(_("số đơn vị được xếp hạng"), null=True, blank=True)
    group = models.CharField(_("nhóm"), max_length=20, choices=Group.choices, blank=True)
    ci_low = models.DecimalField(
        _("cận dưới khoảng tin cậy"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    ci_high = models.DecimalField(
        _("cận trên khoảng tin cậy"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("điểm chỉ số")
        verbose_name_plural = _("điểm chỉ số")
        ordering = ["score_set_id", "criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["score_set", "criterion"],
                condition=Q(criterion__isnull=False),
                name="unique_score_per_criterion",
            ),
            models.UniqueConstraint(
                fields=["score_set"], condition=Q(criterion__isnull=True), name="unique_total_per_set"
            ),
        ]

    def __str__(self) -> str:
        what = self.criterion.code if self.criterion_id else _("Tổng")
        return f"{what}: {self.value}"


class Population(BaseModel):
    """A unit's population in a year, the weight of a derived series (entered by an admin)."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.PositiveBigIntegerField(_("dân số"))
    source = models.CharField(_("nguồn"), max_length=300)

    class Meta:
        verbose_name = _("dân số")
        verbose_name_plural = _("dân số")
        ordering = ["unit__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unique_population_per_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.value}"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    RETURNED = "returned", _("Bị trả lại")
    FINAL = "final", _("Đã thẩm định")


class AssessmentQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW) -> AssessmentQuerySet:
        """The unit's own assessments, and those the user's units appraise."""
        return within_scope(self, user, action, "unit_id", "appraiser_id")


class Assessment(BaseModel):
    """A unit's self-assessment of points in a framework version for a year, and its appraisal."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị tự đánh giá"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    appraiser = models.ForeignKey(
        "units.Unit",
        verbose_name=_("cơ quan thẩm định"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        verbose_name=_("phiên bản bộ chỉ số"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appraised_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    self_set = models.OneToOneField(
        ScoreSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="self_assessment"
    )
    appraised_set = models.OneToOneField(
        ScoreSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisal"
    )
    version_number = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tự đánh giá, thẩm định")
        verbose_name_plural = _("tự đánh giá, thẩm định")
        ordering = ["-year", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "version", "year"], name="unique_assessment_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.version.framework} {self.year}"

    @property
    def is_editable_by_unit(self) -> bool:
        return self.state in (AssessmentState.DRAFT, AssessmentState.RETURNED)


class AssessmentItem(BaseModel):
    """Self-assessed and appraised points of one criterion."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(
        "frameworks.Criterion", verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="+"
    )
    self_points = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    self_note = models.TextField(_("giải trình"), blank=True)
    evidence = models.FileField(_("tài liệu kiểm chứng"), upload_to="assessments/%Y/", blank=True)
    appraised_points = models.DecimalField(
        _("điểm thẩm định"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    appraisal_reason = models.TextField(_("lý do điều chỉnh"), blank=True)

    class Meta:
        verbose_name = _("điểm tiêu chí tự đánh giá")
        verbose_name_plural = _("điểm tiêu chí tự đánh giá")
        ordering = ["assessment_id", "criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="unique_assessment_item")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.self_points}"

    @property
    def final_points(self):
        """The appraised points where the appraiser adjusted, else the self-assessed ones."""
        return self.appraised_points if self.appraised_points is not None else self.self_points

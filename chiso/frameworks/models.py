"""Index frameworks (PAPI, PAR INDEX, SIPAS, PCI, DDCI, custom), their versions and criteria trees."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from tree_queries.fields import TreeNodeForeignKey
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from chiso.core.models import BaseModel
from chiso.core.text import fold, fold_words, nfc
from chiso.units.models import Membership, Unit
from chiso.units.scope import VIEW, acts, unit_scope


class Verification(models.TextChoices):
    """How far a reference fact was checked against its source (kept from the data files)."""

    VERIFIED = "verified", _("Đã kiểm chứng")
    PARTLY = "partly", _("Kiểm chứng một phần")
    UNVERIFIED = "unverified", _("Chưa kiểm chứng")


def viewable_owner_ids(user) -> frozenset[int] | None:
    """The units whose custom frameworks and variants `user` may read (None: every unit).

    The user's view scope, plus the units above their own: a commune implementing the province's
    plan reads the province's local variant of PAPI, though it sees nothing else of the province.
    Computed once per user object (one request).
    """
    scope = unit_scope(user, VIEW)
    if scope.everything:
        return None
    cache = user.__dict__.setdefault("_chiso_scopes", {})
    if "framework_view" not in cache:
        ancestors: set[int] = set()
        frontier = set(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
        while frontier:  # one query per level of the tree
            parents = set(
                Unit.objects.filter(pk__in=frontier, parent__isnull=False).values_list("parent_id", flat=True)
            )
            frontier = parents - ancestors
            ancestors |= parents
        cache["framework_view"] = scope.ids | ancestors
    return cache["framework_view"]


class FrameworkQuerySet(models.QuerySet):
    def national(self) -> "FrameworkQuerySet":
        return self.filter(owner__isnull=True)

    def custom(self) -> "FrameworkQuerySet":
        return self.filter(owner__isnull=False)

    def restrict(self, user, action: str = "view") -> "FrameworkQuerySet":
        """National frameworks are visible to every signed-in user and editable by superusers only;
        custom frameworks belong to a unit: read within the unit's scope (and by the units below
        it, see `viewable_owner_ids`), changed by those who may coordinate it."""
        if not acts(user):
            return self.none()
        if action == VIEW:
            ids = viewable_owner_ids(user)
            return self if ids is None else self.filter(Q(owner__isnull=True) | Q(owner_id__in=ids))
        scope = unit_scope(user, action)
        if scope.everything:
            return self
        return self.filter(owner_id__in=scope.ids)


class Framework(BaseModel):
    """An index: PAPI, PAR INDEX, SIPAS, PCI, DDCI, or a custom one owned by a unit."""

    class Kind(models.TextChoices):
        PAPI = "PAPI", "PAPI"
        PAR_INDEX = "PAR_INDEX", "PAR INDEX"
        SIPAS = "SIPAS", "SIPAS"
        PCI = "PCI", "PCI"
        DDCI = "DDCI", "DDCI"
        CUSTOM = "CUSTOM", _("Tự xây dựng")

    code = models.CharField(_("mã"), max_length=40, unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    short_name = models.CharField(_("tên ngắn"), max_length=60)
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị sở hữu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text=_("Để trống với bộ chỉ số quốc gia."),
    )
    publisher = models.CharField(_("cơ quan công bố"), max_length=300, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        ordering = ["owner_id", "code"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_national(self) -> bool:
        return self.owner_id is None


class FrameworkVersionQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "FrameworkVersionQuerySet":
        return self.filter(Q(year_from__isnull=True) | Q(year_from__lte=year)).filter(
            Q(year_to__isnull=True) | Q(year_to__gte=year)
        )

    def national(self) -> "FrameworkVersionQuerySet":
        """The versions published with a national framework (no local variants)."""
        return self.filter(owner__isnull=True, framework__owner__isnull=True)

    def restrict(self, user, action: str = "view") -> "FrameworkVersionQuerySet":
        """A version is seen when its framework is seen and its owner (a local variant's unit) is in
        scope; it is changed by whoever may coordinate its owner, or its framework's owner when it
        has none. National versions are changed by superusers only."""
        if not acts(user):
            return self.none()
        if action == VIEW:
            ids = viewable_owner_ids(user)
            if ids is None:
                return self
            return self.filter(Q(framework__owner__isnull=True) | Q(framework__owner_id__in=ids)).filter(
                Q(owner__isnull=True) | Q(owner_id__in=ids)
            )
        scope = unit_scope(user, action)
        if scope.everything:
            return self
        ids = scope.ids
        return self.filter(Q(owner_id__in=ids) | Q(owner__isnull=True, framework__owner_id__in=ids))


class FrameworkVersion(BaseModel):
    """The structure of a framework for a span of years, or a local variant of another version."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE, related_name="versions"
    )
    code = models.CharField(_("mã phiên bản"), max_length=60)
    name = models.CharField(_("tên phiên bản"), max_length=300)
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(
        _("áp dụng đến năm"), null=True, blank=True, help_text=_("Để trống khi chưa có phiên bản thay thế.")
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("dựa trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
        help_text=_("Phiên bản gốc khi đây là biến thể địa phương."),
    )
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị sở hữu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="framework_versions",
    )
    source = models.TextField(_("nguồn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    verification = models.CharField(
        _("mức kiểm chứng"), max_length=20, choices=Verification.choices, blank=True
    )

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản bộ chỉ số")
        verbose_name_plural = _("phiên bản bộ chỉ số")
        ordering = ["framework__code", "year_from", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_version_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.year_from and self.year_to and self.year_to < self.year_from:
            raise ValidationError({"year_to": _("Năm kết thúc phải không nhỏ hơn năm bắt đầu.")})

    @property
    def years_label(self) -> str:
        if self.year_from and self.year_to:
            return (
                str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}–{self.year_to}"
            )
        if self.year_from:
            return f"{self.year_from}–"
        if self.year_to:
            return f"–{self.year_to}"
        return ""

    @property
    def owner_unit_id(self) -> int | None:
        """The unit that owns this version: its own owner, or its framework's (None: national)."""
        return self.owner_id or self.framework.owner_id

    @property
    def is_national(self) -> bool:
        return self.owner_unit_id is None

    @property
    def is_variant(self) -> bool:
        return self.based_on_id is not None

    def applies_to(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and (
            self.year_to is None or year <= self.year_to
        )


class CriterionLevel(models.TextChoices):
    DIMENSION = "dimension", _("Chỉ số nội dung / lĩnh vực")
    SUBDIMENSION = "subdimension", _("Nội dung thành phần / tiêu chí")
    INDICATOR = "indicator", _("Chỉ tiêu / tiêu chí thành phần")


class CriterionQuerySet(TreeQuerySet):
    def search(self, query: str) -> "CriterionQuerySet":
        qs = self
        for word in fold_words(query):
            qs = qs.filter(Q(search_key__contains=word) | Q(code__iexact=word))
        return qs

    def dimensions(self) -> "CriterionQuerySet":
        return self.filter(level=CriterionLevel.DIMENSION)

    def restrict(self, user, action: str = "view") -> "CriterionQuerySet":
        return self.filter(version__in=FrameworkVersion.objects.restrict(user, action))


class Criterion(BaseModel, TreeNode):
    """A node of a framework version: dimension → sub-dimension → indicator."""

    version = models.ForeignKey(
        FrameworkVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = TreeNodeForeignKey(
        "self",
        verbose_name=_("tiêu chí cha"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.CharField(_("cấp"), max_length=20, choices=CriterionLevel.choices)
    code = models.CharField(_("mã"), max_length=30)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=2, null=True, blank=True)
    weight = models.DecimalField(_("trọng số"), max_digits=8, decimal_places=4, null=True, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("tương ứng với"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mapped_from",
        help_text=_("Tiêu chí tương ứng ở phiên bản khác (biến thể địa phương, năm khác)."),
    )
    source = models.TextField(_("nguồn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    verification = models.CharField(
        _("mức kiểm chứng"), max_length=20, choices=Verification.choices, blank=True
    )
    search_key = models.CharField(max_length=1200, editable=False, db_index=True)

    objects = CriterionQuerySet.as_manager(with_tree_fields=False)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["version_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_criterion_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"

    def save(self, *args, **kwargs):
        self.name_vi = nfc(self.name_vi)
        self.name_en = nfc(self.name_en)
        self.search_key = f"{fold(self.code)} {fold(self.name_vi)} | {fold(self.name_en)}"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.parent.version_id != self.version_id:
            raise ValidationError({"parent": _("Tiêu chí cha phải thuộc cùng phiên bản.")})

    @property
    def folded_name(self) -> str:
        return fold(self.name_vi)

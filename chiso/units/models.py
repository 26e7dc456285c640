"""The tree of units (administrative divisions and the bodies inside them), their history and memberships."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from chiso.core.models import BaseModel
from chiso.core.text import fold, fold_words, nfc


class UnitKind(models.TextChoices):
    # Administrative divisions
    PROVINCE = "province", _("Tỉnh")
    CITY = "city", _("Thành phố trực thuộc Trung ương")
    DISTRICT = "district", _("Huyện")
    URBAN_DISTRICT = "urban_district", _("Quận")
    TOWN = "town", _("Thị xã")
    PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    VILLAGE = "village", _("Thôn, bản")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ dân phố")
    # Bodies inside a level of government
    PEOPLES_COUNCIL = "peoples_council", _("Hội đồng nhân dân")
    DEPARTMENT = "department", _("Sở, phòng, ban chuyên môn")
    OFFICE = "office", _("Văn phòng")
    INSPECTORATE = "inspectorate", _("Thanh tra")
    POLICE = "police", _("Công an")
    MILITARY = "military", _("Quân sự")
    COURT = "court", _("Tòa án")
    PROCURACY = "procuracy", _("Viện kiểm sát")
    FRONT = "front", _("Mặt trận Tổ quốc, đoàn thể")
    SCHOOL = "school", _("Trường học")
    HEALTH = "health", _("Cơ sở y tế")
    SERVICE_CENTER = "service_center", _("Trung tâm phục vụ hành chính công")
    UTILITY = "utility", _("Đơn vị sự nghiệp")
    OTHER = "other", _("Khác")


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    VILLAGE = "village", _("Thôn, tổ dân phố")


DIVISION_LEVEL = {
    UnitKind.PROVINCE: Level.PROVINCE,
    UnitKind.CITY: Level.PROVINCE,
    UnitKind.DISTRICT: Level.DISTRICT,
    UnitKind.URBAN_DISTRICT: Level.DISTRICT,
    UnitKind.TOWN: Level.DISTRICT,
    UnitKind.PROVINCIAL_CITY: Level.DISTRICT,
    UnitKind.COMMUNE: Level.COMMUNE,
    UnitKind.WARD: Level.COMMUNE,
    UnitKind.TOWNSHIP: Level.COMMUNE,
    UnitKind.SPECIAL_ZONE: Level.COMMUNE,
    UnitKind.VILLAGE: Level.VILLAGE,
    UnitKind.RESIDENTIAL_GROUP: Level.VILLAGE,
}

# Administrative divisions as the official lists name their type.
DIVISION_TYPE_KIND = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.CITY,
    "huyện": UnitKind.DISTRICT,
    "quận": UnitKind.URBAN_DISTRICT,
    "thị xã": UnitKind.TOWN,
    "thành phố": UnitKind.PROVINCIAL_CITY,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "thị trấn": UnitKind.TOWNSHIP,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


class UnitQuerySet(TreeQuerySet):
    def valid_on(self, day: dt.date) -> "UnitQuerySet":
        """Units that exist on `day` (valid_to is the last day of validity)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def current(self) -> "UnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def divisions(self) -> "UnitQuerySet":
        return self.filter(kind__in=list(DIVISION_LEVEL))

    def bodies(self) -> "UnitQuerySet":
        return self.exclude(kind__in=list(DIVISION_LEVEL))

    def search(self, query: str) -> "UnitQuerySet":
        """Accent-insensitive search: every folded word of the query appears in the name or code."""
        qs = self
        for word in fold_words(query):
            qs = qs.filter(Q(search_key__contains=word) | Q(code=word))
        return qs

    def restrict(self, user, action: str = "view") -> "UnitQuerySet":
        """The units `user` may act on for `action`: their subtrees and the history they absorbed."""
        from chiso.units.scope import within_scope

        return within_scope(self, user, action, "pk")


class Unit(BaseModel, TreeNode):
    """A unit of government: an administrative division or a body inside one.

    A code names a unit only together with its validity period (a new commune reuses the code of
    one of its old communes), so the reference loader keys units on `ref`, not on `code`.
    """

    ref = models.CharField(
        _("khóa tham chiếu"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Khóa ổn định của dữ liệu tham chiếu, ví dụ vn2025:commune:00004."),
    )
    code = models.CharField(_("mã"), max_length=32, blank=True, db_index=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    aliases = models.CharField(
        _("tên gọi khác"), max_length=500, blank=True, help_text=_("Các cách viết khác, cách nhau bởi dấu ;")
    )
    kind = models.CharField(_("loại"), max_length=32, choices=UnitKind.choices)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("Ngày cuối cùng còn hiệu lực.")
    )
    search_key = models.CharField(max_length=900, editable=False, db_index=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = UnitQuerySet.as_manager(with_tree_fields=False)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.aliases = nfc(self.aliases)
        self.search_key = compute_search_key(self.name, self.short_name, self.aliases)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()  # TreeNode.clean refuses a parent loop
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})
        if self.parent_id:
            siblings = Unit.objects.filter(parent_id=self.parent_id, name__iexact=nfc(self.name)).exclude(
                pk=self.pk
            )
            siblings = siblings.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from or dt.date.min)
            )
            if self.valid_to:
                siblings = siblings.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_to))
            if siblings.exists():
                raise ValidationError(
                    {"name": _("Đơn vị cấp trên đã có một đơn vị cùng tên trong cùng thời gian.")}
                )

    @property
    def is_division(self) -> bool:
        return self.kind in DIVISION_LEVEL

    @property
    def level(self) -> str | None:
        """The level of government: a division's own, a body's that of the division it belongs to."""
        if self.kind in DIVISION_LEVEL:
            return DIVISION_LEVEL[UnitKind(self.kind)]
        parent = self.parent
        return parent.level if parent else None

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


def compute_search_key(*names: str) -> str:
    return " | ".join(fold(name) for name in names if name)


class UnitChange(BaseModel):
    """A change in the unit tree: merge, split, rename, change of type; from units → to units."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Hợp nhất, sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        TYPE_CHANGE = "type_change", _("Chuyển đổi loại hình")
        ESTABLISH = "establish", _("Thành lập")
        DISSOLVE = "dissolve", _("Giải thể")

    ref = models.CharField(_("khóa tham chiếu"), max_length=64, unique=True, null=True, blank=True)
    kind = models.CharField(_("loại thay đổi"), max_length=20, choices=Kind.choices)
    effective_on = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    effective_year = models.PositiveSmallIntegerField(
        _("năm có hiệu lực"), null=True, blank=True, help_text=_("Khi nguồn chỉ cho biết năm, không rõ ngày.")
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    description = models.CharField(_("mô tả"), max_length=500, blank=True)
    # For a change of type or a rename of one unit: which unit, and what it was before.
    subject = models.ForeignKey(
        "Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_changes",
    )
    old_kind = models.CharField(_("loại cũ"), max_length=32, choices=UnitKind.choices, blank=True)
    new_kind = models.CharField(_("loại mới"), max_length=32, choices=UnitKind.choices, blank=True)
    old_name = models.CharField(_("tên cũ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("thay đổi đơn vị")
        verbose_name_plural = _("thay đổi đơn vị")
        ordering = ["-effective_on", "id"]

    def __str__(self) -> str:
        when = self.effective_on.strftime("%d/%m/%Y") if self.effective_on else str(self.effective_year or "")
        return f"{self.get_kind_display()} ({when})"


class UnitSuccession(models.Model):
    """One edge of the history: `predecessor` went (wholly or partly) into `successor`."""

    change = models.ForeignKey(UnitChange, on_delete=models.CASCADE, related_name="edges")
    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessions")
    partial = models.BooleanField(_("chỉ một phần"), default=False)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "predecessor", "successor"], name="unique_succession_edge"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị")
    COORDINATOR = "coordinator", _("Điều phối")
    OFFICER = "officer", _("Cán bộ đơn vị")
    LEADER = "leader", _("Lãnh đạo")
    VIEWER = "viewer", _("Xem")


class Membership(BaseModel):
    """A user acts for a unit (and its subtree) in a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức vụ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["unit__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

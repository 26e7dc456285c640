"""Plans (Kế hoạch), their tasks, who carries them out, and the unit groups tasks are assigned to.

A plan belongs to the unit that issues it. It goes draft → issued → replaced or closed; an issued
plan is read-only (changes go through a revision that replaces it, or an amending plan). A plan
implements an upper plan (in chiso: `upper_plan`; or only cited: a `PlanReference`), and the
cascade gives every unit the upper plan assigns tasks to a draft of its own implementing plan,
whose tasks point at the upper tasks they concretise (`Task.parent_task`).

Every change goes through the functions in `chiso.plans.services`, which validate, audit and
guard concurrent edits (`version`).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.core.models import BaseModel
from chiso.core.text import fold, fold_words, nfc


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    REPLACED = "replaced", _("Đã được thay thế")
    CLOSED = "closed", _("Đã kết thúc")


class PlanQuerySet(models.QuerySet):
    """Domain words for plans: `Plan.objects.for_unit(u).issued().in_year(2024)`."""

    def for_unit(self, unit, include_descendants: bool = False) -> "PlanQuerySet":
        """Plans issued by `unit` (and, with `include_descendants`, by any unit below it)."""
        if include_descendants:
            from chiso.units.models import Unit

            return self.filter(issuer__in=Unit.objects.descendants(unit, include_self=True))
        return self.filter(issuer=unit)

    def issued(self) -> "PlanQuerySet":
        return self.filter(state=PlanState.ISSUED)

    def drafts(self) -> "PlanQuerySet":
        return self.filter(state=PlanState.DRAFT)

    def published(self) -> "PlanQuerySet":
        """Issued at some point: in force, replaced or closed."""
        return self.exclude(state=PlanState.DRAFT)

    def in_year(self, year: int) -> "PlanQuerySet":
        """Plans whose period includes `year`."""
        return self.filter(year_from__lte=year, year_to__gte=year)

    def addressing(self, framework) -> "PlanQuerySet":
        """Plans addressing a framework (any of its versions) or one framework version."""
        from chiso.frameworks.models import Framework

        if isinstance(framework, Framework):
            return self.filter(frameworks__framework=framework).distinct()
        return self.filter(frameworks=framework).distinct()

    def lower_of(self, plan) -> "PlanQuerySet":
        """The implementing plans cascaded from `plan`."""
        return self.filter(upper_plan=plan)

    def restrict(self, user, action: str = "view") -> "PlanQuerySet":
        """Plans whose issuer is in the user's scope for `action`.

        The scope includes history (the Tuyên Quang coordinator sees old Vị Xuyên district
        plans). For VIEW, a unit also sees the issued upper plans its own lower plans implement.
        """
        from chiso.units.scope import VIEW, unit_scope

        scope = unit_scope(user, action)
        if scope.everything:
            return self
        own = Q(issuer_id__in=scope.ids)
        if action == VIEW:
            upper_ids = Plan.objects.filter(issuer_id__in=scope.ids, upper_plan__isnull=False).values(
                "upper_plan_id"
            )
            return self.filter(own | (Q(pk__in=upper_ids) & ~Q(state=PlanState.DRAFT)))
        return self.filter(own)


class Plan(BaseModel):
    """A plan (Kế hoạch) issued by a unit, with its text, its tasks and its place in the cascade."""

    issuer = models.ForeignKey(
        "units.Unit", verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="plans"
    )
    issuer_label = models.CharField(
        _("tên cơ quan ban hành trên văn bản"),
        max_length=300,
        blank=True,
        help_text=_("Để trống để dùng tên đơn vị, ví dụ ỦY BAN NHÂN DÂN HUYỆN VỊ XUYÊN."),
    )
    issuer_parent_label = models.CharField(_("tên cơ quan chủ quản trên văn bản"), max_length=300, blank=True)
    number = models.CharField(_("số"), max_length=20, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=60, blank=True, default="KH-UBND")
    number_year = models.PositiveSmallIntegerField(
        _("năm của số văn bản"), null=True, blank=True, editable=False
    )
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"))
    frameworks = models.ManyToManyField(
        "frameworks.FrameworkVersion", verbose_name=_("bộ chỉ số"), blank=True, related_name="plans"
    )
    upper_plan = models.ForeignKey(
        "self",
        verbose_name=_("thực hiện kế hoạch cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lower_plans",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    preamble = models.TextField(_("căn cứ, mở đầu"), blank=True)
    appendix_title = models.CharField(
        _("tên phụ lục nhiệm vụ"),
        max_length=500,
        blank=True,
        help_text=_("Để trống để dùng “NHIỆM VỤ THỰC HIỆN KẾ HOẠCH”."),
    )
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    lower_plan_due_on = models.DateField(_("hạn ban hành kế hoạch cấp dưới"), null=True, blank=True)
    lower_plan_due_working_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc để cấp dưới ban hành kế hoạch"), null=True, blank=True
    )
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year_from", "-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number_year", "number", "symbol"],
                condition=~Q(number=""),
                name="unique_plan_number_per_issuer_year",
            ),
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="plan_period_order"),
        ]
        indexes = [models.Index(fields=["state", "year_from"])]

    def __str__(self) -> str:
        return f"{self.number_symbol or _('Dự thảo')} — {self.title}"

    def save(self, *args, **kwargs):
        self.title = nfc(self.title)
        self.number = nfc(self.number)
        self.symbol = nfc(self.symbol)
        self.number_year = self.issued_on.year if self.issued_on else self.year_from
        super().save(*args, **kwargs)

    @property
    def number_symbol(self) -> str:
        """ "154/KH-UBND"; "/KH-UBND" for a draft without a number."""
        if not self.number and not self.symbol:
            return ""
        return f"{self.number}/{self.symbol}" if self.symbol else self.number

    @property
    def is_editable(self) -> bool:
        return self.state == PlanState.DRAFT

    @property
    def period_label(self) -> str:
        return str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}–{self.year_to}"

    def lower_plan_deadline(self) -> dt.date | None:
        """When lower plans are due: a fixed date, or N working days after this plan's issue date."""
        if self.lower_plan_due_on:
            return self.lower_plan_due_on
        if self.lower_plan_due_working_days and self.issued_on:
            from chiso.core.workdays import add_working_days

            return add_working_days(self.issued_on, self.lower_plan_due_working_days)
        return None


class PlanReference(BaseModel):
    """A document the plan cites: the plan it implements, replaces or amends, in chiso or only by number."""

    class Kind(models.TextChoices):
        IMPLEMENTS = "implements", _("Thực hiện")
        REPLACES = "replaces", _("Thay thế")
        AMENDS = "amends", _("Sửa đổi, bổ sung")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(_("quan hệ"), max_length=12, choices=Kind.choices)
    target = models.ForeignKey(
        Plan,
        verbose_name=_("kế hoạch trong hệ thống"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cited_by",
    )
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("văn bản liên quan")
        verbose_name_plural = _("văn bản liên quan")
        ordering = ["plan_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"

    @property
    def label(self) -> str:
        """ "Kế hoạch số 163/KH-UBND ngày 24/5/2021 của UBND tỉnh Hà Giang"."""
        if self.target_id:
            target = self.target
            parts = [f"Kế hoạch số {target.number_symbol}"]
            if target.issued_on:
                parts.append(f"ngày {target.issued_on.day}/{target.issued_on.month}/{target.issued_on.year}")
            parts.append(f"của {authority_name(target.issuer)}")
            return " ".join(parts)
        parts = [f"Kế hoạch số {self.number_symbol}"]
        if self.issued_on:
            parts.append(f"ngày {self.issued_on.day}/{self.issued_on.month}/{self.issued_on.year}")
        if self.issuer_name:
            parts.append(f"của {self.issuer_name}")
        return " ".join(parts)


class PlanSection(BaseModel):
    """A part of the plan's text: "I. MỤC ĐÍCH, YÊU CẦU" (depth 1), "1. Mục đích" (depth 2)…"""

    class Key(models.TextChoices):
        PURPOSE = "purpose", _("Mục đích, yêu cầu")
        SOLUTIONS = "solutions", _("Nhiệm vụ, giải pháp")
        ORGANISATION = "organisation", _("Tổ chức thực hiện")
        OTHER = "other", _("Khác")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    depth = models.PositiveSmallIntegerField(_("cấp đề mục"), default=1)
    key = models.CharField(_("loại nội dung"), max_length=20, choices=Key.choices, default=Key.OTHER)
    heading = models.CharField(_("đề mục"), max_length=500, blank=True)
    body = models.TextField(_("nội dung"), blank=True, help_text=_("Mỗi dòng là một đoạn văn."))

    class Meta:
        verbose_name = _("phần nội dung kế hoạch")
        verbose_name_plural = _("phần nội dung kế hoạch")
        ordering = ["plan_id", "position", "id"]

    def __str__(self) -> str:
        return self.heading or f"#{self.position}"

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class PlanDeadline(BaseModel):
    """A reporting date the plan sets ("báo cáo sơ kết trước ngày 15/9/2021")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deadlines")
    label = models.CharField(_("nội dung"), max_length=300)
    due_on = models.DateField(_("hạn"))
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("hạn báo cáo")
        verbose_name_plural = _("hạn báo cáo")
        ordering = ["plan_id", "due_on", "position", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.due_on:%d/%m/%Y})"


class UnitGroupQuerySet(models.QuerySet):
    def search(self, query: str) -> "UnitGroupQuerySet":
        qs = self
        for word in fold_words(query):
            qs = qs.filter(search_key__contains=word)
        return qs

    def restrict(self, user, action: str = "view") -> "UnitGroupQuerySet":
        from chiso.units.scope import within_scope

        return within_scope(self, user, action, "owner_id")


class UnitGroup(BaseModel):
    """A group tasks are assigned to as plans write it: "UBND các xã, thị trấn".

    It expands to the units under `owner` (children, or grandchildren with depth 2) of the given
    kinds that exist on a given day — so the group of a 2021 district plan expands to the communes
    of 2021 — or, when `members` are listed, to those members.
    """

    owner = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="unit_groups"
    )
    name = models.CharField(_("tên nhóm"), max_length=300)
    aliases = models.CharField(_("tên gọi khác"), max_length=500, blank=True)
    member_kinds = models.CharField(
        _("loại đơn vị thành viên"),
        max_length=300,
        blank=True,
        help_text=_("Các loại đơn vị, cách nhau bởi dấu phẩy."),
    )
    depth = models.PositiveSmallIntegerField(_("cấp dưới thứ"), default=1)
    members = models.ManyToManyField(
        "units.Unit", verbose_name=_("thành viên cố định"), blank=True, related_name="in_groups"
    )
    search_key = models.CharField(max_length=900, editable=False, db_index=True)

    objects = UnitGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")
        ordering = ["owner_id", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_group_name_per_owner")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.aliases = nfc(self.aliases)
        self.search_key = " | ".join(fold(n) for n in (self.name, *self.aliases.split(";")) if n.strip())
        super().save(*args, **kwargs)

    @property
    def kinds(self) -> list[str]:
        return [kind.strip() for kind in self.member_kinds.split(",") if kind.strip()]

    def expand(self, on: dt.date | None = None):
        """The member units on `on` (today when None)."""
        from chiso.plans.groups import expand_groups

        return expand_groups([self], on)[self.pk]


class TargetOp(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "=", "="
    LE = "<=", "≤"
    LT = "<", "<"


class TimeframeKind(models.TextChoices):
    CONTINUOUS = "continuous", _("Thường xuyên")
    BY_DATE = "by_date", _("Trước ngày")
    DATE = "date", _("Ngày")
    QUARTER = "quarter", _("Quý")
    HALF_YEAR = "half_year", _("6 tháng")
    RANGE = "range", _("Khoảng thời gian")
    YEARLY = "yearly", _("Hằng năm")
    EVENT = "event", _("Khi có sự kiện")
    YEAR = "year", _("Trong năm")
    UNKNOWN = "unknown", _("Chưa xác định")


class Task(BaseModel):
    """A task of a plan: a row of its appendix table (or a numbered paragraph written as prose)."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    group_code = models.CharField(_("số nhóm"), max_length=20, blank=True)
    group_title = models.CharField(_("nhóm (chỉ số nội dung)"), max_length=300, blank=True)
    number = models.CharField(_("số thứ tự (TT)"), max_length=20, blank=True)
    criterion_label = models.CharField(_("nội dung thành phần (như văn bản)"), max_length=500, blank=True)
    criteria = models.ManyToManyField(
        "frameworks.Criterion", verbose_name=_("tiêu chí"), blank=True, related_name="plan_tasks"
    )
    text = models.TextField(_("nhiệm vụ"))
    target_text = models.TextField(_("chỉ tiêu"), blank=True)
    target_metric = models.CharField(_("chỉ tiêu đo được: đại lượng"), max_length=200, blank=True)
    target_op = models.CharField(
        _("chỉ tiêu đo được: so sánh"), max_length=2, choices=TargetOp.choices, blank=True
    )
    target_value = models.DecimalField(
        _("chỉ tiêu đo được: giá trị"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_unit = models.CharField(_("chỉ tiêu đo được: đơn vị tính"), max_length=40, blank=True)
    output = models.TextField(_("kết quả, sản phẩm"), blank=True)
    lead_text = models.CharField(_("đơn vị chủ trì (như văn bản)"), max_length=500, blank=True)
    partners_text = models.TextField(_("đơn vị phối hợp, thực hiện (như văn bản)"), blank=True)
    timeframe_text = models.CharField(_("thời gian thực hiện"), max_length=300, blank=True)
    timeframe_kind = models.CharField(
        _("loại thời gian"), max_length=12, choices=TimeframeKind.choices, default=TimeframeKind.UNKNOWN
    )
    start_on = models.DateField(_("bắt đầu"), null=True, blank=True)
    end_on = models.DateField(_("kết thúc"), null=True, blank=True)
    due_on = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    parent_task = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ cấp trên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_tasks",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan_id", "position", "id"]
        indexes = [models.Index(fields=["plan", "position"])]

    def __str__(self) -> str:
        head = f"{self.number} " if self.number else ""
        return f"{head}{self.text[:80]}"

    def assignments_of(self, role: str) -> list["TaskAssignment"]:
        """The task's leads or partners (from a prefetch when there is one)."""
        return [a for a in self.assignments.all() if a.role == role]

    @property
    def leads(self) -> list["TaskAssignment"]:
        return self.assignments_of(TaskAssignment.Role.LEAD)

    @property
    def partners(self) -> list["TaskAssignment"]:
        return self.assignments_of(TaskAssignment.Role.PARTNER)

    @property
    def lead_display(self) -> str:
        """The lead units as the plan writes them, else the picked units' names."""
        return self.lead_text or "; ".join(a.display for a in self.leads)

    @property
    def partners_display(self) -> str:
        return self.partners_text or "; ".join(a.display for a in self.partners)

    @property
    def has_measurable_target(self) -> bool:
        return self.target_value is not None and bool(self.target_op)

    @property
    def to_concretise(self) -> bool:
        """A child task whose text and target are still its parent's word for word (the cascade's copy)."""
        return self.parent_task_id is not None and copied_unchanged(self, self.parent_task)

    @property
    def measurable_label(self) -> str:
        """ "on_time_dossiers ≥ 95 %"."""
        if not self.has_measurable_target:
            return ""
        value = self.target_value.normalize() if self.target_value is not None else ""
        value_text = f"{value:f}".replace(".", ",")
        op = TargetOp(self.target_op).label
        return " ".join(part for part in (self.target_metric, op, value_text, self.target_unit) if part)


class TaskAssignment(models.Model):
    """A unit or a unit group that leads or takes part in a task."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Chủ trì")
        PARTNER = "partner", _("Phối hợp, thực hiện")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_assignments",
    )
    group = models.ForeignKey(
        UnitGroup,
        verbose_name=_("nhóm đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_assignments",
    )
    label = models.CharField(_("tên như văn bản"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["task_id", "role", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(group__isnull=True))
                | (Q(unit__isnull=True) & Q(group__isnull=False)),
                name="assignment_unit_xor_group",
            )
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        if self.label:
            return self.label
        return self.unit.name if self.unit_id else self.group.name

    @property
    def ref(self) -> str:
        """ "unit:12" or "group:3", the form pickers and the API use."""
        return f"unit:{self.unit_id}" if self.unit_id else f"group:{self.group_id}"


def authority_name(unit, short: bool = True) -> str:
    """How documents name a unit's authority: "UBND huyện Vị Xuyên" for a division, the body's name otherwise."""
    from chiso.units.models import DIVISION_LEVEL

    if unit.kind in DIVISION_LEVEL:
        prefix = "UBND" if short else "Ủy ban nhân dân"
        return f"{prefix} {lower_first(unit.name)}"
    return unit.name


COPIED_FIELDS = ("text", "target_text", "target_op", "target_value", "target_unit")


def copied_unchanged(child, parent) -> bool:
    """Whether `child` (a Task, or anything with the same attributes) keeps the text and target of `parent`.

    Compared after trimming spaces; a child whose parent is unknown is not a copy.
    """
    if parent is None:
        return False

    def norm(value):
        return " ".join(value.split()) if isinstance(value, str) else value

    return all(norm(getattr(child, f)) == norm(getattr(parent, f)) for f in COPIED_FIELDS)


def lower_first(name: str) -> str:
    """ "Huyện Vị Xuyên" → "huyện Vị Xuyên" (the type word in lower case)."""
    return name[:1].lower() + name[1:] if name else name

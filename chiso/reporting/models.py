"""Reporting on plans: rounds, unit reports, task progress and evidence, reminders, notifications,
inspections and reform initiatives.

A plan's reporting rounds (`ReportingRound`) each have a data cut-off window, an entry window, an
on-time due date for the units, later due dates for the coordinator and the upper level, an
optional grace period and a lock date; the coordinator may grant a unit more time
(`RoundExtension`). For each round every assigned unit fills one `UnitReport`: a `TaskProgress`
per task assigned to it, with `Evidence`, plus the narrative parts. A unit that has issued its own
plan implementing the round's plan reports on that plan's tasks (`UnitReport.lower_plan`; the rule
is in `chiso.reporting.rollup`), and a round of that lower plan can feed the round above
(`ReportingRound.upper_round`). Reports go draft → submitted →
returned → submitted → approved; each submission is kept as a `ReportVersion` snapshot.

Every change goes through `chiso.reporting.services` (validated, permission-checked, audited, with
optimistic concurrency on `version`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.core.models import BaseModel
from chiso.core.text import nfc


class RoundKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Hằng quý")
    SIX_MONTHLY = "six_monthly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")
    CUSTOM = "custom", _("Đột xuất, tùy chỉnh")


class RoundQuerySet(models.QuerySet):
    def for_plan(self, plan) -> RoundQuerySet:
        return self.filter(plan=plan)

    def open_on(self, day: dt.date) -> RoundQuerySet:
        """Rounds whose entry window includes `day` (extensions aside)."""
        return self.filter(opens_on__lte=day, locks_on__gte=day)

    def restrict(self, user, action: str = "view") -> RoundQuerySet:
        """Rounds of plans whose issuer is in the user's scope for `action`."""
        from chiso.units.scope import within_scope

        return within_scope(self, user, action, "plan__issuer_id")


class ReportingRound(BaseModel):
    """One reporting round of a plan: "Báo cáo 6 tháng đầu năm 2022", data from 01/12/2021 to 31/5/2022."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="reporting_rounds"
    )
    number = models.PositiveSmallIntegerField(_("kỳ số"))
    kind = models.CharField(_("loại kỳ báo cáo"), max_length=12, choices=RoundKind.choices)
    title = models.CharField(_("tên kỳ báo cáo"), max_length=300)
    period_start = models.DateField(_("chốt số liệu từ ngày"))
    period_end = models.DateField(_("chốt số liệu đến ngày"))
    opens_on = models.DateField(_("mở nhập báo cáo từ ngày"))
    due_on = models.DateField(
        _("hạn đơn vị gửi báo cáo"), help_text=_("Hạn các đơn vị gửi báo cáo về cơ quan điều phối.")
    )
    grace_until = models.DateField(
        _("hết thời gian ân hạn"),
        null=True,
        blank=True,
        help_text=_(
            "Báo cáo gửi sau hạn nhưng trước ngày này được ghi nhận là nộp muộn trong thời gian ân hạn."
        ),
    )
    locks_on = models.DateField(
        _("ngày khóa sổ"), help_text=_("Sau ngày này đơn vị không gửi được báo cáo (trừ khi được gia hạn).")
    )
    coordinator_due_on = models.DateField(
        _("hạn cơ quan điều phối tổng hợp"), help_text=_("Hạn tổng hợp, báo cáo lãnh đạo.")
    )
    upper_due_on = models.DateField(_("hạn báo cáo cấp trên"), null=True, blank=True)
    upper_round = models.ForeignKey(
        "self",
        verbose_name=_("kỳ báo cáo của kế hoạch cấp trên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lower_rounds",
        help_text=_(
            "Kỳ báo cáo của kế hoạch cấp trên mà kỳ này tổng hợp lên: báo cáo của đơn vị trong kỳ cấp trên "
            "được điền sẵn từ các báo cáo đã duyệt của kỳ này."
        ),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_round_number_per_plan"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="round_period_order"
            ),
            models.CheckConstraint(
                condition=Q(locks_on__gte=models.F("due_on")), name="round_lock_after_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title)
        super().save(*args, **kwargs)

    @property
    def last_grace_day(self) -> dt.date:
        return self.grace_until or self.due_on


class RoundExtension(BaseModel):
    """More time for one unit in one round, granted by the coordinator with a reason."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+"
    )
    due_on = models.DateField(_("gia hạn đến ngày"))
    reason = models.CharField(_("lý do"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("gia hạn báo cáo")
        verbose_name_plural = _("gia hạn báo cáo")
        ordering = ["round_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="unique_extension_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.due_on:%d/%m/%Y}"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


class ReportQuerySet(models.QuerySet):
    def approved(self) -> ReportQuerySet:
        return self.filter(state=ReportState.APPROVED)

    def submitted_once(self) -> ReportQuerySet:
        return self.filter(first_submitted_at__isnull=False)

    def restrict(self, user, action: str = "view") -> ReportQuerySet:
        """Reports of units in the user's scope, or of rounds of plans the user's units issued."""
        from chiso.units.scope import within_scope

        return within_scope(self, user, action, "unit_id", "round__plan__issuer_id")


class UnitReport(BaseModel):
    """The report of one unit for one round."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="unit_reports"
    )
    lower_plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("kế hoạch thực hiện của đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Khi đơn vị đã ban hành kế hoạch thực hiện kế hoạch của kỳ báo cáo, báo cáo theo các nhiệm vụ "
            "của kế hoạch đó."
        ),
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    results = models.TextField(_("kết quả đạt được"), blank=True)
    shortcomings = models.TextField(_("tồn tại, hạn chế và nguyên nhân"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lần gần nhất lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_whole = models.BooleanField(_("trả lại toàn bộ báo cáo"), default=False)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["round_id", "unit__name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="unique_report_per_round_unit")]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.round} — {self.unit}"

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    OVERDUE = "overdue", _("Quá hạn")
    NOT_APPLICABLE = "not_applicable", _("Không phát sinh trong kỳ")


class TaskProgress(BaseModel):
    """What a unit reports on one task in one round."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="progress")
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("chủ trì"), default=False)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    achieved_value = models.DecimalField(
        _("kết quả đạt được (số)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    achieved_note = models.CharField(
        _("ghi chú về số liệu"),
        max_length=500,
        blank=True,
        help_text=_("Lý do khi sửa số liệu lấy từ hệ thống (một cửa, cổng thông tin…)."),
    )
    measured_value = models.DecimalField(
        _("số liệu từ hệ thống"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    observation = models.ForeignKey(
        "measures.Observation",
        verbose_name=_("số liệu đo lường dùng để điền sẵn"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    work_done = models.TextField(_("nội dung đã thực hiện"), blank=True)
    return_reason = models.TextField(_("lý do trả lại nhiệm vụ"), blank=True)

    class Meta:
        verbose_name = _("tiến độ nhiệm vụ")
        verbose_name_plural = _("tiến độ nhiệm vụ")
        ordering = ["report_id", "task__position", "task_id"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="unique_progress_per_task")]

    def __str__(self) -> str:
        return f"{self.task} — {self.get_status_display()}"


class Evidence(BaseModel):
    """Proof of work for a task: an official document, an uploaded file, or a link."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Văn bản")
        FILE = "file", _("Tệp đính kèm")
        LINK = "link", _("Đường dẫn")

    progress = models.ForeignKey(TaskProgress, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("loại minh chứng"), max_length=10, choices=Kind.choices)
    doc_number = models.CharField(_("số, ký hiệu văn bản"), max_length=80, blank=True)
    doc_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    doc_issuer = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    title = models.CharField(_("trích yếu, mô tả"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to="reporting/evidence/%Y/", max_length=300, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    file_type = models.CharField(_("loại tệp"), max_length=10, blank=True)
    file_size = models.PositiveBigIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["progress_id", "id"]

    def __str__(self) -> str:
        if self.kind == self.Kind.FILE:
            return self.file_name
        if self.kind == self.Kind.LINK:
            return self.url
        return " ".join(p for p in (self.doc_number, self.doc_issuer) if p)

    def as_dict(self) -> dict:
        return {
            "id": self.pk,
            "kind": self.kind,
            "doc_number": self.doc_number,
            "doc_date": self.doc_date.isoformat() if self.doc_date else None,
            "doc_issuer": self.doc_issuer,
            "title": self.title,
            "file_name": self.file_name,
            "file_type": self.file_type,
            "file_size": self.file_size,
            "sha256": self.sha256,
            "url": self.url,
        }


class ReportVersion(models.Model):
    """A snapshot of a report taken on each submission; never changed afterwards."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("lần gửi"))
    submitted_at = models.DateTimeField(_("gửi lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(_("nội dung"))

    class Meta:
        verbose_name = _("phiên bản báo cáo")
        verbose_name_plural = _("phiên bản báo cáo")
        ordering = ["report_id", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="unique_report_version")]

    def __str__(self) -> str:
        return f"{self.report} #{self.number}"


class ReportEvent(models.Model):
    """What happened to a report, for its history: submitted, returned (with the reason), approved…"""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo báo cáo")
        SUBMIT = "submit", _("Gửi báo cáo")
        RETURN = "return", _("Trả lại")
        APPROVE = "approve", _("Duyệt")
        EXTEND = "extend", _("Gia hạn")

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("lúc"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("lý do, ghi chú"), blank=True)
    task_ids = models.JSONField(_("các nhiệm vụ"), default=list, blank=True)

    class Meta:
        verbose_name = _("diễn biến báo cáo")
        verbose_name_plural = _("diễn biến báo cáo")
        ordering = ["report_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------------------------------------
# Reminders and notifications


class Notification(models.Model):
    """An in-app notification (the bell)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    DUE_TODAY = "due_today", _("Đến hạn hôm nay")
    LATE = "late", _("Quá hạn")


class ReminderLog(models.Model):
    """A reminder sent (one row per recipient and channel); `key` makes a second send impossible."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        APP = "app", _("Thông báo trong hệ thống")

    class Subject(models.TextChoices):
        REPORT = "report", _("Báo cáo")
        LOWER_PLAN = "lower_plan", _("Kế hoạch cấp dưới")

    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(_("việc"), max_length=12, choices=Subject.choices)
    kind = models.CharField(_("loại nhắc"), max_length=10, choices=ReminderKind.choices)
    channel = models.CharField(_("kênh"), max_length=5, choices=Channel.choices)
    round = models.ForeignKey(
        ReportingRound, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(_("người nhận"), max_length=254, blank=True)
    due_on = models.DateField(_("hạn"))
    sent_at = models.DateTimeField(_("gửi lúc"), db_index=True)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.key


# ---------------------------------------------------------------------------------------------
# Inspections


class InspectionQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> InspectionQuerySet:
        from chiso.units.scope import within_scope

        return within_scope(self, user, action, "owner_id")


class Inspection(BaseModel):
    """A year's inspection programme of a coordinator: which units to inspect (a sample)."""

    owner = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị kiểm tra"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên đợt kiểm tra"), max_length=300)
    min_share = models.DecimalField(_("tỷ lệ tối thiểu (%)"), max_digits=5, decimal_places=2, default=30)
    seed = models.PositiveIntegerField(_("hạt giống chọn mẫu"), default=0)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = _("đợt kiểm tra")
        ordering = ["-year", "owner_id", "id"]

    def __str__(self) -> str:
        return self.title


class InspectionTarget(BaseModel):
    """A unit in the inspection sample."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Dự kiến")
        INSPECTED = "inspected", _("Đã kiểm tra")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("nhóm"), max_length=20)
    proposed = models.BooleanField(_("do hệ thống đề xuất"), default=False)
    weight = models.DecimalField(_("trọng số"), max_digits=8, decimal_places=2, default=1)
    reason = models.CharField(_("lý do chọn"), max_length=300, blank=True)
    scheduled_on = models.DateField(_("ngày kiểm tra dự kiến"), null=True, blank=True)
    inspected_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PLANNED)
    conclusion = models.TextField(_("kết luận"), blank=True)

    class Meta:
        verbose_name = _("đơn vị được kiểm tra")
        verbose_name_plural = _("đơn vị được kiểm tra")
        ordering = ["inspection_id", "stratum", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "unit"], name="unique_inspection_target")
        ]

    def __str__(self) -> str:
        return str(self.unit)


class Finding(BaseModel):
    """What the inspection found at one unit."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Nhắc nhở")
        MAJOR = "major", _("Cần khắc phục")
        SERIOUS = "serious", _("Nghiêm trọng")

    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("nội dung phát hiện"))
    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices, default=Severity.MAJOR)

    class Meta:
        verbose_name = _("phát hiện kiểm tra")
        verbose_name_plural = _("phát hiện kiểm tra")
        ordering = ["target_id", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Remediation(BaseModel):
    """An action the unit must take to fix a finding, by a deadline, and whether re-inspection found it fixed."""

    class State(models.TextChoices):
        OPEN = "open", _("Chưa khắc phục")
        FIXED = "fixed", _("Đã khắc phục")
        NOT_FIXED = "not_fixed", _("Kiểm tra lại: chưa khắc phục")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="remediations")
    action = models.TextField(_("biện pháp khắc phục"))
    due_on = models.DateField(_("hạn khắc phục"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.OPEN)
    reinspected_on = models.DateField(_("ngày kiểm tra lại"), null=True, blank=True)
    reinspection_note = models.TextField(_("kết quả kiểm tra lại"), blank=True)

    class Meta:
        verbose_name = _("biện pháp khắc phục")
        verbose_name_plural = _("biện pháp khắc phục")
        ordering = ["finding_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.action[:80]


# ---------------------------------------------------------------------------------------------
# Reform initiatives


class InitiativeQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> InitiativeQuerySet:
        from chiso.units.scope import within_scope

        return within_scope(self, user, action, "unit_id")


class Initiative(BaseModel):
    """A reform initiative (sáng kiến cải cách hành chính) a unit registers for a year."""

    class Rating(models.TextChoices):
        PENDING = "pending", _("Chưa đánh giá")
        EXCELLENT = "excellent", _("Xuất sắc")
        GOOD = "good", _("Tốt")
        FAIR = "fair", _("Đạt")
        REJECTED = "rejected", _("Không công nhận")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên sáng kiến"), max_length=500)
    description = models.TextField(_("nội dung, hiệu quả"), blank=True)
    criteria = models.ManyToManyField(
        "frameworks.Criterion", verbose_name=_("tiêu chí liên quan"), blank=True
    )
    rating = models.CharField(_("đánh giá"), max_length=10, choices=Rating.choices, default=Rating.PENDING)
    evaluation_note = models.TextField(_("nhận xét"), blank=True)
    replicate = models.BooleanField(_("nhân rộng"), default=False)
    evaluated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("sáng kiến")
        verbose_name_plural = _("sáng kiến")
        ordering = ["-year", "unit__name", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title)
        super().save(*args, **kwargs)

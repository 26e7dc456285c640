"""Import jobs: an uploaded plan on its way from a file to a draft plan.

A job keeps the file, who uploaded it and for which issuing unit, how far the parse has gone,
what the parser found (`result`, the JSON of `chiso import_plan --json`), the user's working copy
of it (`review`: the fields as they will be saved, with every correction applied) and, once saved,
the draft plan it became. The parse runs outside the request (see `chiso.documents.importing`),
so the job's status and progress live here where the progress page can poll them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.core.models import BaseModel

# A job still "running" after this long lost its worker (a restart): it is shown as failed.
STALE_AFTER = dt.timedelta(minutes=5)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang đọc tệp")
    PARSED = "parsed", _("Chờ rà soát")
    FAILED = "failed", _("Không đọc được")
    SAVED = "saved", _("Đã lưu thành kế hoạch")


class ImportJobQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> ImportJobQuerySet:
        """A user's own jobs, and the jobs for units they administer (superusers: all)."""
        from chiso.units.scope import ADMINISTER, unit_scope

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = unit_scope(user, ADMINISTER)
        if scope.everything:
            return self
        return self.filter(Q(owner=user) | Q(unit_id__in=scope.ids))

    def open(self) -> ImportJobQuerySet:
        """Jobs not yet saved as a plan."""
        return self.exclude(status=ImportStatus.SAVED)


class ImportJob(BaseModel):
    """One uploaded plan document and what became of it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị ban hành"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    filename = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("nội dung tệp"), editable=False)
    size = models.PositiveIntegerField(_("kích thước (byte)"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, editable=False)
    format = models.CharField(_("định dạng"), max_length=10, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    stage = models.CharField(_("bước đang làm"), max_length=200, blank=True)
    result = models.JSONField(_("kết quả đọc tệp"), null=True, blank=True)
    review = models.JSONField(_("bản rà soát"), null=True, blank=True)
    error_code = models.CharField(_("mã lỗi"), max_length=30, blank=True)
    error_message = models.TextField(_("lỗi"), blank=True)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("kế hoạch đã tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    started_at = models.DateTimeField(_("bắt đầu xử lý"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xử lý xong"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt nhập kế hoạch")
        verbose_name_plural = _("lượt nhập kế hoạch")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def is_stale(self) -> bool:
        """Still pending long after its last progress: the worker that ran it is gone."""
        return self.is_pending and timezone.now() - self.updated_at > STALE_AFTER

    @property
    def is_reviewable(self) -> bool:
        return self.status == ImportStatus.PARSED and self.review is not None

    @property
    def task_count(self) -> int:
        if not self.review:
            return 0
        return sum(1 for task in self.review.get("tasks", []) if not task.get("dropped"))

"""Reporting pages: inbox, rounds, the unit report, monitoring, consolidation, reminders,
notifications, inspections, initiatives and the public page of a unit.

Views are thin: they read within the user's scope (objects outside it are 404), write through
`chiso.reporting.services` and friends, and render Django 6 template partials for htmx.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.core.htmx import is_htmx, render_page
from chiso.plans.models import Plan
from chiso.reporting import inspections as insp
from chiso.reporting import services
from chiso.reporting.consolidation import consolidate
from chiso.reporting.duerules import rule_from_input
from chiso.reporting.export import export_bytes, file_name
from chiso.reporting.forms import (
    EvaluateForm,
    EvidenceForm,
    ExtensionForm,
    FindingForm,
    GenerateForm,
    InitiativeForm,
    InspectionForm,
    ReinspectForm,
    RemediationForm,
    ReturnForm,
    RoundForm,
    VisitForm,
    apply_errors,
)
from chiso.reporting.inbox import inbox, writer_units
from chiso.reporting.initiatives import (
    evaluate_initiative,
    evaluator_unit,
    initiative_counts,
    register_initiative,
)
from chiso.reporting.measured import prefill_report, system_label
from chiso.reporting.models import (
    Evidence,
    Initiative,
    Inspection,
    InspectionTarget,
    Notification,
    ReminderLog,
    ReportingRound,
    ReportState,
    RoundExtension,
    TaskProgress,
    TaskStatus,
    UnitReport,
)
from chiso.reporting.monitoring import PAIR_LABELS, round_monitoring
from chiso.reporting.publication import public_page
from chiso.reporting.rollup import group_rows, roll_up_value
from chiso.reporting.rounds import Schedule, generate_for_plan
from chiso.reporting.status import LIGHT_CSS, Timeliness, classify, unit_due, unit_lock
from chiso.reporting.upward import lower_round_of, prefill_from_lower_round
from chiso.units.models import Membership, Role, Unit
from chiso.units.scope import COORDINATE, EDIT, VIEW, can, expand


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": list(exc.messages)}


def get_round(request, pk: int, action: str = VIEW) -> ReportingRound:
    return get_object_or_404(
        ReportingRound.objects.restrict(request.user, action).select_related("plan", "plan__issuer"), pk=pk
    )


def get_report(request, pk: int) -> UnitReport:
    report = get_object_or_404(
        UnitReport.objects.select_related("round", "round__plan", "round__plan__issuer", "unit"), pk=pk
    )
    if not services.can_view_report(request.user, report):
        raise Http404
    return report


# ---------------------------------------------------------------------------------------------
# Inbox and notifications


@login_required
def home(request):
    """What is due from the user's units, the rounds they coordinate, and their notifications."""
    today = timezone.localdate()
    items = inbox(request.user, today)
    # Rounds of the plans the user coordinates or leads, the inherited ones included (the
    # coordinator of a province formed in 2025 follows its old districts' rounds too).
    leading = Membership.objects.filter(
        user=request.user, role__in=[Role.COORDINATOR, Role.ADMIN, Role.LEADER]
    ).values_list("unit_id", flat=True)
    rounds = ReportingRound.objects.exclude(plan__state="draft").select_related("plan", "plan__issuer")
    if request.user.is_superuser:
        rounds = rounds.order_by("-due_on")[:20]
    elif leading_ids := list(leading):
        rounds = rounds.filter(plan__issuer_id__in=expand(leading_ids)).order_by("-due_on")[:20]
    else:
        rounds = []
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render_page(
        request,
        "reporting/home.html",
        {"items": items, "today": today, "rounds": rounds, "unread": unread},
        partial="inbox",
    )


@login_required
def notification_list(request):
    notes = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        notes.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("Đã đánh dấu tất cả là đã đọc."))
        return redirect("reporting-notifications")
    page = Paginator(notes, 50).get_page(request.GET.get("page"))
    return render(request, "reporting/notifications.html", {"page": page})


@login_required
@require_GET
def notification_open(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if (
        note.url
        and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None)
        and note.url.startswith("/")
    ):
        return redirect(note.url)
    return redirect("reporting-notifications")


# ---------------------------------------------------------------------------------------------
# Rounds of a plan


@login_required
def plan_rounds(request, plan_pk: int):
    plan = get_object_or_404(Plan.objects.restrict(request.user).select_related("issuer"), pk=plan_pk)
    coordinator = can(request.user, COORDINATE, plan.issuer_id)
    generate = GenerateForm(prefix="gen")
    form = RoundForm(prefix="new")
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        try:
            if "generate" in request.POST:
                generate = GenerateForm(request.POST, prefix="gen")
                if generate.is_valid():
                    d = generate.cleaned_data
                    month, day = (int(x) for x in d["year_start"].split("-"))
                    schedule = Schedule(
                        year_start=(month, day),
                        unit_days=d["unit_days"],
                        coordinator_days=d["coordinator_days"],
                        upper_days=d["upper_days"],
                        grace_working_days=d["grace_working_days"],
                        due_rule=rule_from_input(d),
                    )
                    created = services.create_rounds(
                        request.user, plan, generate_for_plan(plan, d["kind"], schedule)
                    )
                    messages.success(request, _("Đã lập %(n)d kỳ báo cáo.") % {"n": len(created)})
                    return redirect("reporting-plan-rounds", plan_pk=plan.pk)
            else:
                form = RoundForm(request.POST, prefix="new")
                if form.is_valid():
                    rnd = services.create_round(request.user, plan, form.cleaned_data)
                    messages.success(request, _("Đã lập kỳ báo cáo “%(t)s”.") % {"t": rnd.title})
                    return redirect("reporting-plan-rounds", plan_pk=plan.pk)
        except ValidationError as exc:
            apply_errors(generate if "generate" in request.POST else form, exc)
    rounds = list(plan.reporting_rounds.order_by("number"))
    return render(
        request,
        "reporting/plan_rounds.html",
        {"plan": plan, "rounds": rounds, "coordinator": coordinator, "generate": generate, "form": form},
    )


@login_required
def round_edit(request, pk: int):
    rnd = get_round(request, pk, COORDINATE)
    initial = {name: getattr(rnd, name) for name in RoundForm.base_fields if hasattr(rnd, name)}
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.delete_round(request.user, rnd)
            except ValidationError as exc:
                for m in _messages_of(exc):
                    messages.error(request, m)
                return redirect("reporting-round-edit", pk=rnd.pk)
            messages.success(request, _("Đã xóa kỳ báo cáo."))
            return redirect("reporting-plan-rounds", plan_pk=rnd.plan_id)
        if form.is_valid():
            try:
                services.update_round(request.user, rnd, form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu kỳ báo cáo."))
                return redirect("reporting-round", pk=rnd.pk)
    return render(request, "reporting/round_edit.html", {"round": rnd, "form": form})


# ---------------------------------------------------------------------------------------------
# Monitoring


OVERDUE_SHOWN = 60


@login_required
def round_monitoring_page(request, pk: int):
    rnd = get_round(request, pk)
    m = round_monitoring(rnd)
    area = request.GET.get("area", "")
    rows = m.units
    area_unit = None
    if area.isdigit():
        rows = m.in_area(int(area))
        area_unit = m.parents.get(int(area))
    context = {
        "round": rnd,
        "m": m,
        "rows": rows,
        "area": area,
        "area_unit": area_unit,
        "areas": m.areas(),
        "coordinator": can(request.user, COORDINATE, rnd.plan.issuer_id),
        "light_css": LIGHT_CSS,
        "overdue": m.overdue[:OVERDUE_SHOWN],
        "overdue_count": m.counts.overdue,
        "overdue_more": max(0, m.counts.overdue - OVERDUE_SHOWN),
        "round_base": reverse("reporting-round", args=[rnd.pk]),
        "report_base": reverse("reporting-report", args=[0]).removesuffix("0/"),
    }
    return render_page(request, "reporting/round_monitoring.html", context, partial="units")


@login_required
def round_unit(request, pk: int, unit_pk: int):
    """Drill-down: one unit's tasks in the round, their effective status, its report, an extension."""
    rnd = get_round(request, pk)
    m = round_monitoring(rnd)
    row = m.unit_row(unit_pk)
    if row is None:
        raise Http404
    progress = {}
    if row.report_id:
        progress = {
            p.task_id: p
            for p in TaskProgress.objects.filter(report_id=row.report_id).prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
            )
        }

    def reported(task_id: int) -> str:
        return str(TaskStatus(progress[task_id].status).label) if task_id in progress else ""

    lines = [
        {
            "task": node.task,
            "status": node.status,
            "label": node.label,
            "reported": reported(node.task.pk),
            "evaluation": m.evaluations.get((unit_pk, node.task.pk)),
            "children": [
                {
                    "task": child,
                    "status": status,
                    "label": PAIR_LABELS[status],
                    "reported": reported(child.pk),
                    "progress": progress.get(child.pk),
                }
                for child, status in node.children
            ],
        }
        for node in m.unit_tasks(unit_pk)
    ]
    coordinator = can(request.user, COORDINATE, rnd.plan.issuer_id)
    extension = RoundExtension.objects.filter(round=rnd, unit_id=unit_pk).first()
    form = ExtensionForm(request.POST or None)
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.grant_extension(
                    request.user, rnd, row.unit, form.cleaned_data["due_on"], form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Đã gia hạn cho %(u)s.") % {"u": row.unit.name})
                return redirect("reporting-round-unit", pk=rnd.pk, unit_pk=unit_pk)
    return render(
        request,
        "reporting/round_unit.html",
        {
            "round": rnd,
            "row": row,
            "lines": lines,
            "coordinator": coordinator,
            "extension": extension,
            "form": form,
            "light_css": LIGHT_CSS,
            "parent": m.parents.get(row.unit.parent_id),
        },
    )


def _child_progress(rnd: ReportingRound, m, task_pk: int) -> dict[tuple[int, int], TaskProgress]:
    """The approved rows of the units' child tasks of one upper task, with their evidence."""
    child_ids = [
        c.pk for (_plan, parent), kids in m.lower.children.items() if parent == task_pk for c in kids
    ]
    if not child_ids:
        return {}
    rows = (
        TaskProgress.objects.filter(
            report__round=rnd, report__state=ReportState.APPROVED, task_id__in=child_ids
        )
        .select_related("report")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
    )
    return {(p.report.unit_id, p.task_id): p for p in rows}


@login_required
def round_task(request, pk: int, task_pk: int):
    """Drill-down: one task across the units it is assigned to."""
    rnd = get_round(request, pk)
    m = round_monitoring(rnd)
    task = m.expectation.task_by_id.get(task_pk)
    if task is None:
        raise Http404
    reported = {
        unit_id: (value, work)
        for unit_id, value, work in TaskProgress.objects.filter(
            report__round=rnd, report__state=ReportState.APPROVED, task_id=task_pk
        ).values_list("report__unit_id", "achieved_value", "work_done")
    }
    children = _child_progress(rnd, m, task_pk)
    lines = []
    for row in m.units:
        unit_id = row.unit.pk
        if (unit_id, task_pk) not in m.pair_status:
            continue
        kids = [
            {
                "task": child,
                "status": m.child_status[(unit_id, child.pk)],
                "label": PAIR_LABELS[m.child_status[(unit_id, child.pk)]],
                "progress": children.get((unit_id, child.pk)),
            }
            for child in m.lower.children_of(unit_id, task_pk)
        ]
        value, work_done = reported.get(unit_id, (None, ""))
        if kids:
            rows = [(k["task"], k["progress"]) for k in kids]
            value = roll_up_value(task, [(c, p.achieved_value) for c, p in rows if p is not None])
            work_done = "\n".join(
                f"{c.number}: {p.work_done}" for c, p in rows if p is not None and p.work_done
            )
        lines.append(
            {
                "row": row,
                "status": m.pair_status[(unit_id, task_pk)],
                "label": PAIR_LABELS[m.pair_status[(unit_id, task_pk)]],
                "value": value,
                "work_done": work_done,
                "evaluation": m.evaluations.get((unit_id, task_pk)),
                "children": kids,
            }
        )
    return render(request, "reporting/round_task.html", {"round": rnd, "task": task, "lines": lines})


# ---------------------------------------------------------------------------------------------
# The unit report


@login_required
def round_unit_report(request, pk: int, unit_pk: int):
    """The unit's report for the round: opened (created as a draft) by its officers on first visit."""
    rnd = get_object_or_404(ReportingRound.objects.select_related("plan", "plan__issuer"), pk=pk)
    unit = get_object_or_404(Unit, pk=unit_pk)
    if not (can(request.user, VIEW, unit.pk) or can(request.user, VIEW, rnd.plan.issuer_id)):
        raise Http404
    report = UnitReport.objects.filter(round=rnd, unit=unit).first()
    if report is None:
        if not can(request.user, EDIT, unit.pk):
            raise Http404
        try:
            report = services.open_report(request.user, rnd, unit)
        except ValidationError as exc:
            raise Http404(_messages_of(exc)[0]) from exc
    return redirect("reporting-report", pk=report.pk)


def _report_rows(report: UnitReport):
    """The report's rows grouped under the round plan's tasks (`rollup.group_rows`): a row that
    starts a group of child tasks carries the upper task as `group_head`; the unit's own tasks
    (not under an upper task) are last, the first with `own_head`."""
    rows = list(
        report.progress.select_related("task", "task__parent_task", "observation")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        .order_by("task__position", "task_id")
    )
    ordered = []
    for group in group_rows(rows, report.round.plan_id):
        for i, row in enumerate(group.rows):
            row.group_head = group.upper if group.broken_down and i == 0 else None
            row.own_head = group.upper is None and i == 0
            row.is_child = group.broken_down or group.upper is None
            ordered.append(row)
    return ordered


def parse_report_post(post, rows) -> dict:
    """The form's fields → the services' input: only what the form actually sent."""
    data: dict = {"version": post.get("version")}
    for name in services.NARRATIVE:
        if name in post:
            data[name] = post.get(name, "")
    tasks = {}
    for row in rows:
        values = {}
        for name in ("status", "achieved_value", "achieved_note", "work_done"):
            key = f"task-{row.task_id}-{name}"
            if key in post:
                values[name] = post.get(key, "")
        if values:
            tasks[row.task_id] = values
    data["tasks"] = tasks
    return data


def _report_context(request, report: UnitReport, rows, errors=None, posted=None) -> dict:
    rnd = report.round
    extension = (
        RoundExtension.objects.filter(round=rnd, unit_id=report.unit_id)
        .values_list("due_on", flat=True)
        .first()
    )
    can_edit = services.can_edit_report(request.user, report) and report.is_editable
    coordinator = services.can_coordinate_round(request.user, rnd)
    partial_return = report.state == ReportState.RETURNED and not report.returned_whole
    errors = errors or {}
    posted = posted or {}
    for row in rows:
        row.editable = can_edit and (not partial_return or bool(row.return_reason))
        row.form_status = posted.get(f"task-{row.task_id}-status", row.status)
        row.form_value = posted.get(
            f"task-{row.task_id}-achieved_value",
            "" if row.achieved_value is None else f"{services.plain_number(row.achieved_value)}",
        )
        row.form_work = posted.get(f"task-{row.task_id}-work_done", row.work_done)
        row.form_note = posted.get(f"task-{row.task_id}-achieved_note", row.achieved_note)
        row.system_label = system_label(row.observation, row.measured_value, row.task.target_unit)
        row.corrected = row.measured_value is not None and row.achieved_value != row.measured_value
        row.errors = [
            m
            for key in ("status", "achieved_value", "achieved_note", "work_done")
            for m in errors.get(f"task-{row.task_id}-{key}", [])
        ]
    today = timezone.localdate()
    return {
        "report": report,
        "round": rnd,
        "rows": rows,
        "can_edit": can_edit,
        "narrative_editable": can_edit and not partial_return,
        "coordinator": coordinator,
        "statuses": TaskStatus.choices,
        "errors": errors,
        "general_errors": [m for k, ms in errors.items() if not k.startswith("task-") for m in ms],
        "posted": posted,
        "due_on": unit_due(rnd, extension),
        "lock_on": unit_lock(rnd, extension),
        "extension": extension,
        "timeliness": Timeliness(classify(rnd, report.first_submitted_at, extension, today)).label,
        "events": report.events.select_related("actor"),
        "versions": report.versions.order_by("number"),
        "return_form": ReturnForm(initial={"version": report.version}),
        "evidence_form": EvidenceForm(),
        "can_view_round": can(request.user, VIEW, rnd.plan.issuer_id),
        "lower_round": lower_round_of(report),
        "columns": 5 + (coordinator and report.state == ReportState.SUBMITTED),
    }


def _refusal_reasons(errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Why a submit was refused, each reason with the anchor of its row or field ("" if none)."""
    reasons = []
    for key, ms in errors.items():
        if key.startswith("task-"):
            anchor = "task-" + key.split("-")[1]
        elif key in services.NARRATIVE:
            anchor = key
        else:
            anchor = ""
        reasons.extend((m, anchor) for m in ms)
    return reasons


@login_required
def report_detail(request, pk: int):
    report = get_report(request, pk)
    if request.method == "POST":
        if not services.can_edit_report(request.user, report):
            raise PermissionDenied
        rows = _report_rows(report)
        data = parse_report_post(request.POST, rows)
        submit = request.POST.get("action") == "submit"
        try:
            saved = services.save_report(request.user, report, data)
        except ValidationError as exc:
            context = _report_context(request, report, rows, _error_dict(exc), request.POST)
            return render(request, "reporting/report_detail.html", context, status=400)
        if submit:
            try:
                services.submit_report(request.user, saved, saved.version)
            except ValidationError as exc:
                report = get_report(request, pk)
                rows = _report_rows(report)
                errors = _error_dict(exc)
                context = _report_context(request, report, rows, errors)
                context["refused"] = _refusal_reasons(errors)
                context["general_errors"] = []
                return render(request, "reporting/report_detail.html", context, status=400)
            messages.success(request, _("Đã gửi báo cáo."))
        else:
            messages.success(request, _("Đã lưu bản nháp."))
        return redirect("reporting-report", pk=report.pk)
    if report.is_editable and services.can_edit_report(request.user, report):
        prefill_report(report, request.user)
        prefill_from_lower_round(report, request.user)
    return render(
        request, "reporting/report_detail.html", _report_context(request, report, _report_rows(report))
    )


@login_required
@require_POST
def report_return(request, pk: int):
    report = get_report(request, pk)
    reason = request.POST.get("reason", "")
    task_ids = [int(t) for t in request.POST.getlist("tasks") if t.isdigit()]
    version = request.POST.get("version")
    try:
        services.return_report(
            request.user, report, reason, task_ids, int(version) if version and version.isdigit() else None
        )
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Đã trả lại báo cáo cho %(u)s.") % {"u": report.unit.name})
    return redirect("reporting-report", pk=report.pk)


@login_required
@require_POST
def report_approve(request, pk: int):
    report = get_report(request, pk)
    version = request.POST.get("version")
    try:
        services.approve_report(request.user, report, int(version) if version and version.isdigit() else None)
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Đã duyệt báo cáo của %(u)s.") % {"u": report.unit.name})
    return redirect("reporting-report", pk=report.pk)


@login_required
def report_version(request, pk: int, number: int):
    report = get_report(request, pk)
    version = get_object_or_404(report.versions, number=number)
    labels = dict(TaskStatus.choices)
    tasks = [
        dict(t, status_label=labels.get(t["status"], t["status"])) for t in version.data.get("tasks", [])
    ]
    return render(
        request, "reporting/report_version.html", {"report": report, "version": version, "tasks": tasks}
    )


@login_required
@require_POST
def evidence_add(request, pk: int, progress_pk: int):
    report = get_report(request, pk)
    progress = get_object_or_404(
        TaskProgress.objects.select_related("task", "report", "report__unit"), pk=progress_pk, report=report
    )
    form = EvidenceForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            services.add_evidence(request.user, progress, form.cleaned_data, request.FILES.get("file"))
        except ValidationError as exc:
            error = " ".join(_messages_of(exc))
    else:
        error = " ".join(m for ms in form.errors.values() for m in ms)
    if is_htmx(request):
        row = _report_rows(report)
        row = next(r for r in row if r.pk == progress.pk)
        context = _report_context(request, report, [row])
        context.update({"row": row, "evidence_error": error})
        return render_page(request, "reporting/report_detail.html", context, partial="evidence", status=200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Đã thêm minh chứng."))
    return redirect(f"{reverse('reporting-report', args=[report.pk])}#task-{progress.task_id}")


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related("progress__report__unit", "progress__report__round__plan"), pk=pk
    )
    report = evidence.progress.report
    if not services.can_view_report(request.user, report):
        raise Http404
    try:
        services.remove_evidence(request.user, evidence)
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Đã xóa minh chứng."))
    return redirect(f"{reverse('reporting-report', args=[report.pk])}#task-{evidence.progress.task_id}")


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}


@login_required
@require_GET
def evidence_download(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related("progress__report__unit", "progress__report__round__plan"),
        pk=pk,
        kind=Evidence.Kind.FILE,
    )
    if not services.can_view_report(request.user, evidence.progress.report):
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.file_name,
        content_type=CONTENT_TYPES.get(evidence.file_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Consolidation, exports, reminders


@login_required
def round_consolidation(request, pk: int):
    rnd = get_round(request, pk)
    c = consolidate(rnd)
    return render(
        request,
        "reporting/consolidation.html",
        {"round": rnd, "c": c, "coordinator": can(request.user, COORDINATE, rnd.plan.issuer_id)},
    )


@login_required
@require_GET
def round_export(request, pk: int, fmt: str):
    if fmt not in ("docx", "xlsx"):
        raise Http404
    rnd = get_round(request, pk)
    c = consolidate(rnd)
    content_type = CONTENT_TYPES[fmt]
    response = HttpResponse(export_bytes(c, fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(c, fmt)}"'
    return response


@login_required
def round_reminders(request, pk: int):
    rnd = get_round(request, pk, COORDINATE)
    logs = (
        ReminderLog.objects.filter(round=rnd)
        .select_related("unit", "user")
        .order_by("-sent_at", "unit__name")
    )
    page = Paginator(logs, 100).get_page(request.GET.get("page"))
    return render(request, "reporting/reminders.html", {"round": rnd, "page": page})


# ---------------------------------------------------------------------------------------------
# Inspections


def _coordinated_units(user):
    if user.is_superuser:
        return Unit.objects.filter(parent__isnull=True).current()
    ids = Membership.objects.filter(user=user, role__in=[Role.COORDINATOR, Role.ADMIN]).values_list(
        "unit_id", flat=True
    )
    return Unit.objects.filter(pk__in=ids)


@login_required
def inspection_list(request):
    owners = _coordinated_units(request.user)
    form = InspectionForm(request.POST or None, owners=owners, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inspection = insp.create_inspection(
                request.user, d["owner"], d["year"], d["title"], d["min_share"], d["seed"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lập đợt kiểm tra và đề xuất danh sách đơn vị."))
            return redirect("reporting-inspection", pk=inspection.pk)
    items = Inspection.objects.restrict(request.user).select_related("owner")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request, "reporting/inspection_list.html", {"page": page, "form": form, "can_create": owners.exists()}
    )


@login_required
def inspection_detail(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.restrict(request.user).select_related("owner"), pk=pk)
    coordinator = can(request.user, COORDINATE, inspection.owner_id)
    forms_ = {
        "visit": VisitForm(),
        "finding": FindingForm(),
        "remediation": RemediationForm(),
        "reinspect": ReinspectForm(),
    }
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            _inspection_action(request, inspection, action, forms_)
        except ValidationError as exc:
            for m in _messages_of(exc):
                messages.error(request, m)
        else:
            return redirect("reporting-inspection", pk=inspection.pk)
    targets = list(
        inspection.targets.select_related("unit")
        .prefetch_related("findings__remediations")
        .order_by("stratum", "unit__name")
    )
    chosen = {t.unit_id for t in targets}
    candidates = [u for u in insp.candidates(inspection.owner, inspection.year) if u.pk not in chosen]
    coverage = [
        {"stratum": insp.STRATA.get(s, s), "chosen": c, "size": n, "required": r, "ok": c >= r}
        for s, (c, n, r) in insp.coverage(inspection).items()
    ]
    return render(
        request,
        "reporting/inspection_detail.html",
        {
            "inspection": inspection,
            "targets": targets,
            "candidates": candidates,
            "coverage": coverage,
            "coordinator": coordinator,
            "overdue": insp.overdue_remediations(inspection),
            "strata": insp.STRATA,
            **forms_,
        },
    )


def _inspection_action(request, inspection: Inspection, action: str, forms_: dict) -> None:
    post = request.POST
    user = request.user

    def target() -> InspectionTarget:
        return get_object_or_404(InspectionTarget, pk=post.get("target"), inspection=inspection)

    if action == "add":
        unit = get_object_or_404(Unit, pk=post.get("unit"))
        insp.add_target(user, inspection, unit)
        messages.success(request, _("Đã thêm %(u)s vào danh sách kiểm tra.") % {"u": unit.name})
    elif action == "remove":
        t = target()
        insp.remove_target(user, t)
        messages.success(request, _("Đã bỏ %(u)s khỏi danh sách kiểm tra.") % {"u": t.unit.name})
    elif action == "visit":
        insp.record_inspection(user, target(), post)
        messages.success(request, _("Đã ghi nhận kết quả kiểm tra."))
    elif action == "finding":
        insp.add_finding(user, target(), post.get("text", ""), post.get("severity", "major"))
        messages.success(request, _("Đã ghi nhận phát hiện."))
    elif action == "remediation":
        finding = get_object_or_404(insp.Finding, pk=post.get("finding"), target__inspection=inspection)
        insp.add_remediation(user, finding, post.get("action_text", ""), post.get("due_on", ""))
        messages.success(request, _("Đã thêm yêu cầu khắc phục."))
    elif action == "reinspect":
        remediation = get_object_or_404(
            insp.Remediation, pk=post.get("remediation"), finding__target__inspection=inspection
        )
        insp.reinspect(
            user, remediation, post.get("fixed") == "1", post.get("reinspected_on", ""), post.get("note", "")
        )
        messages.success(request, _("Đã ghi nhận kết quả kiểm tra lại."))
    else:
        raise ValidationError(_("Thao tác không hợp lệ."))


# ---------------------------------------------------------------------------------------------
# Initiatives


@login_required
def initiative_list(request):
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.localdate().year
    units = Unit.objects.filter(pk__in=[u.pk for u in writer_units(request.user)])
    form = InitiativeForm(request.POST or None, units=units, initial={"year": year}, prefix="new")
    if request.method == "POST" and "evaluate" in request.POST:
        initiative = get_object_or_404(
            Initiative.objects.restrict(request.user).select_related("unit__parent"),
            pk=request.POST.get("initiative"),
        )
        try:
            evaluate_initiative(request.user, initiative, request.POST)
        except ValidationError as exc:
            for m in _messages_of(exc):
                messages.error(request, m)
        else:
            messages.success(request, _("Đã đánh giá sáng kiến “%(t)s”.") % {"t": initiative.title})
        return redirect(f"{reverse('reporting-initiatives')}?year={year}")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            register_initiative(request.user, d["unit"], d["year"], d)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đăng ký sáng kiến."))
            return redirect(f"{reverse('reporting-initiatives')}?year={d['year']}")
    items = list(
        Initiative.objects.restrict(request.user)
        .filter(year=year)
        .select_related("unit", "unit__parent")
        .order_by("unit__name", "id")
    )
    for item in items:
        item.can_evaluate = can(request.user, COORDINATE, evaluator_unit(item))
    coordinated = list(_coordinated_units(request.user))
    children = list(
        Unit.objects.filter(parent__in=coordinated)
        .current()
        .exclude(kind__in=["village", "residential_group"])
        .order_by("name")
    )
    counts = initiative_counts([u.pk for u in children], year)
    without = [u for u in children if not counts.get(u.pk)]
    return render(
        request,
        "reporting/initiatives.html",
        {
            "items": items,
            "form": form,
            "year": year,
            "without": without,
            "evaluate_form": EvaluateForm(),
            "can_register": units.exists(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Publication (no sign-in)


@require_GET
def public_unit(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    return render(request, "reporting/public_unit.html", {"page": public_page(unit)})

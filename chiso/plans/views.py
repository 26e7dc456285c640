"""Plan pages: list, detail with the task table editor, forms, issue, cascade, export.

Views are thin: they read with `Plan.objects.restrict(...)` (objects outside the user's scope are
404), write through `chiso.plans.services`, and render Django 6 template partials for htmx.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.core.audit import history
from chiso.core.htmx import is_htmx, render_page
from chiso.core.text import fold_words
from chiso.frameworks.models import Criterion, FrameworkVersion
from chiso.plans import services
from chiso.plans.cascade import assigned_units, cascade_plan, cascade_preview
from chiso.plans.conformance import check_plan, load_dimensions, lower_plans_matrix
from chiso.plans.export import export_bytes, plan_file_name, tasks_for_export
from chiso.plans.filters import PlanFilter
from chiso.plans.groups import COMMUNE_KINDS, picker_options, standard_group
from chiso.plans.models import (
    Plan,
    PlanSection,
    PlanState,
    TargetOp,
    Task,
    TaskAssignment,
    UnitGroup,
)
from chiso.plans.validation import PLAN_LABELS, TASK_LABELS, reference_date
from chiso.units.models import Membership, Role, Unit
from chiso.units.scope import COORDINATE, EDIT, VIEW, can

PAGE_SIZE = 30


def visible_plans(user, action: str = VIEW):
    return Plan.objects.restrict(user, action)


def get_plan(request, pk: int, action: str = VIEW) -> Plan:
    return get_object_or_404(
        visible_plans(request.user).select_related(
            "issuer", "issuer__parent", "upper_plan", "upper_plan__issuer", "replaces"
        ),
        pk=pk,
    )


def _errors_message(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages)


# ---------------------------------------------------------------------------------------------
# List


@login_required
def plan_list(request):
    """Plans the user may see, filtered; "mine" lists the plans of the user's own units and the drafts to complete."""
    user = request.user
    plans = visible_plans(user).select_related("issuer", "upper_plan", "upper_plan__issuer")
    own_units = list(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
    # A first visit shows the user's own units' plans; when they have none yet (a new province
    # coordinator), every plan they may read, so the history they inherited is there at once.
    mine = request.GET.get("mine") == "1" or (
        not request.GET and not user.is_superuser and plans.filter(issuer_id__in=own_units).exists()
    )
    if mine:
        plans = plans.filter(issuer_id__in=own_units)
    filterset = PlanFilter(request.GET or None, queryset=plans)
    plans = filterset.qs.annotate(task_count=Count("tasks", distinct=True)).order_by(
        "-year_from", "state", "-issued_on", "-id"
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    to_complete = []
    if mine:
        to_complete = [
            p
            for p in visible_plans(user, EDIT)
            .filter(issuer_id__in=own_units, state=PlanState.DRAFT, upper_plan__isnull=False)
            .select_related("issuer", "upper_plan", "upper_plan__issuer")
        ]
    for plan in to_complete:
        plan.deadline = plan.upper_plan.lower_plan_deadline()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filterset": filterset,
        "mine": mine,
        "to_complete": to_complete,
        "states": PlanState.choices,
        "years": sorted(
            {y for y in visible_plans(user).values_list("year_from", flat=True).distinct()}, reverse=True
        ),
        "versions": FrameworkVersion.objects.restrict(user).select_related("framework"),
        "query": query.urlencode(),
        "can_create": bool(editable_units(user)),
        "today": timezone.localdate(),
    }
    return render_page(request, "plans/plan_list.html", context, partial="results")


def editable_units(user) -> list[Unit]:
    """Units whose plans the user may write: their memberships with an EDIT role (superusers: the provinces)."""
    if user.is_superuser:
        return list(Unit.objects.current().filter(parent__isnull=True).order_by("name"))
    roles = [Role.ADMIN, Role.COORDINATOR, Role.OFFICER]
    return [
        m.unit
        for m in Membership.objects.filter(user=user, role__in=roles).select_related("unit")
        if m.unit.is_current
    ]


# ---------------------------------------------------------------------------------------------
# Detail and the task table


def task_rows(plan: Plan) -> list[Task]:
    return tasks_for_export(plan)


def dimension_counts(plan: Plan, tasks: list[Task]) -> list[dict]:
    """Per addressed framework version: each dimension and how many tasks serve it."""
    versions = list(plan.frameworks.all())
    if not versions:
        return []
    index = load_dimensions([v.pk for v in versions])
    counts: Counter = Counter()
    for task in tasks:
        for dim in index.covered(c.pk for c in task.criteria.all()):
            counts[dim] += 1
    return [
        {
            "version": index.versions[v.pk],
            "dimensions": [{"dim": d, "count": counts[d.id]} for d in index.dimensions.get(v.pk, [])],
        }
        for v in versions
    ]


def row_ui(plan: Plan) -> dict:
    """Strings and the URL prefix every task row uses, computed once per page rather than per row."""
    return {
        "task_base": f"{reverse('plan-detail', args=[plan.pk])}tasks/",
        "ui": {
            "edit": _("Sửa"),
            "edit_task": _("Sửa nhiệm vụ"),
            "up": _("Lên"),
            "down": _("Xuống"),
            "copy": _("Chép"),
            "delete": _("Xóa"),
            "confirm_delete": _("Xóa nhiệm vụ này?"),
            "due": _("hạn"),
        },
    }


def _permissions(user, plan: Plan) -> dict:
    editable = plan.state == PlanState.DRAFT and can(user, EDIT, plan.issuer_id)
    return {
        "can_edit": editable,
        "can_issue": editable,
        "can_write": can(user, EDIT, plan.issuer_id),
        "can_coordinate": can(user, COORDINATE, plan.issuer_id),
    }


def _detail_context(request, plan: Plan, editing: int | None = None, new_row: bool = False) -> dict:
    tasks = task_rows(plan)
    perms = _permissions(request.user, plan)
    matrix = None
    if plan.state != PlanState.DRAFT and (perms["can_coordinate"] or request.GET.get("matrix")):
        matrix = lower_plans_matrix(plan)
    findings = check_plan(plan)
    values = None
    if editing is not None:
        editing_task = next((t for t in tasks if t.pk == editing), None)
        values = _task_form_values(plan, editing_task) if editing_task else None
    elif new_row:
        values = _task_form_values(plan, None)
    return {
        "plan": plan,
        "tasks": tasks,
        "task_total": len(tasks),
        "values": values,
        "errors": {},
        "counts": dimension_counts(plan, tasks),
        "findings": findings,
        "matrix": matrix,
        "references": list(plan.references.select_related("target", "target__issuer")),
        "sections": list(plan.sections.all()),
        "deadlines": list(plan.deadlines.all()),
        "frameworks": list(plan.frameworks.select_related("framework")),
        "lower_deadline": plan.lower_plan_deadline(),
        "history": history(plan)[:15],
        "replaced_by": list(plan.replaced_by.all()),
        "editing": editing,
        "new_row": new_row,
        "ops": TargetOp.choices,
        "labels": TASK_LABELS,
        **row_ui(plan),
        **perms,
    }


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = get_plan(request, pk)
    editing = request.GET.get("edit")
    context = _detail_context(request, plan, editing=int(editing) if editing and editing.isdigit() else None)
    return render_page(request, "plans/plan_detail.html", context)


def _fmt_date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _task_form_values(plan: Plan, task: Task | None, post=None) -> dict:
    """What the row form shows: the task's values, or what was posted (with the picked items' names)."""
    from chiso.plans.validation import TaskInput

    if post is None:
        if task is None:
            last = plan.tasks.order_by("-position", "-id").first()
            return {
                "group_code": last.group_code if last else "",
                "group_title": last.group_title if last else "",
                "criteria": [],
                "leads": [],
                "partners": [],
            }
        values = {name: getattr(task, name) for name in TaskInput.SIMPLE_FIELDS if name != "parent_task"}
        for name in ("start_on", "end_on", "due_on"):
            values[name] = _fmt_date(values[name])
        value = task.target_value
        values["target_value"] = "" if value is None else f"{value.normalize():f}".replace(".", ",")
        from chiso.core.timeframes import parse_timeframe

        parsed = parse_timeframe(task.timeframe_text, year=plan.year_from, issued_on=plan.issued_on)
        if task.due_on and task.due_on != parsed.due:
            values["due_on_override"] = _fmt_date(
                task.due_on
            )  # a due date set by hand, not read from the text
        values["criteria"] = [(str(c.pk), f"{c.code} {c.name_vi}") for c in task.criteria.all()]
        values["leads"] = [(a.ref, a.display) for a in task.leads]
        values["partners"] = [(a.ref, a.display) for a in task.partners]
        values["version"] = task.version
        return values
    values = {key: post.get(key, "") for key in post}
    values["due_on_override"] = post.get("due_on", "")
    ids = [v for v in post.getlist("criteria") if v.isdigit()]
    names = {str(c.pk): f"{c.code} {c.name_vi}" for c in Criterion.objects.filter(pk__in=ids)}
    values["criteria"] = [(v, names.get(v, v)) for v in post.getlist("criteria")]
    for key in ("leads", "partners"):
        refs = post.getlist(key)
        unit_ids = [r.split(":", 1)[1] for r in refs if r.startswith("unit:") and r[5:].isdigit()]
        group_ids = [r.split(":", 1)[1] for r in refs if r.startswith("group:") and r[6:].isdigit()]
        unit_names = {
            f"unit:{pk}": name for pk, name in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")
        }
        group_names = {
            f"group:{pk}": name
            for pk, name in UnitGroup.objects.filter(pk__in=group_ids).values_list("pk", "name")
        }
        values[key] = [(r, unit_names.get(r) or group_names.get(r) or r) for r in refs]
    return values


def _task_context(request, plan: Plan, task: Task | None, **extra) -> dict:
    return {
        "plan": plan,
        "task": task,
        "ops": TargetOp.choices,
        "labels": TASK_LABELS,
        **row_ui(plan),
        **_permissions(request.user, plan),
        **extra,
    }


def _task_with_relations(plan: Plan, pk: int) -> Task:
    return get_object_or_404(
        plan.tasks.select_related("parent_task").prefetch_related(
            "criteria",
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit", "group")),
        ),
        pk=pk,
    )


def _table_response(request, plan: Plan, status: int = 200, **extra):
    """The task table (rows and per-dimension counts) after a change."""
    plan.refresh_from_db()
    tasks = task_rows(plan)
    context = _task_context(
        request,
        plan,
        None,
        tasks=tasks,
        task_total=len(tasks),
        counts=dimension_counts(plan, tasks),
        findings=check_plan(plan),
        oob_conformance=True,
        **extra,
    )
    return render(request, "plans/plan_detail.html#task_table", context, status=status)


def _back_to_plan(plan: Plan, anchor: str = "tasks") -> HttpResponseRedirect:
    return redirect(f"{reverse('plan-detail', args=[plan.pk])}#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request, pk: int):
    plan = get_plan(request, pk)
    if request.method == "GET":
        if not _permissions(request.user, plan)["can_edit"]:
            raise PermissionDenied
        if not is_htmx(request):
            context = _detail_context(request, plan, new_row=True)
            return render(request, "plans/plan_detail.html", context)
        context = _task_context(request, plan, None, values=_task_form_values(plan, None), errors={})
        return render(request, "plans/plan_detail.html#task_form", context)
    try:
        services.add_task(request.user, plan, expand_standard_refs(request, plan, request.POST))
    except ValidationError as exc:
        values = _task_form_values(plan, None, request.POST)
        context = _task_context(request, plan, None, values=values, errors=exc.message_dict)
        if is_htmx(request):
            response = render(request, "plans/plan_detail.html#task_form", context)
            response["HX-Retarget"] = "closest tr"
            response["HX-Reswap"] = "outerHTML"
            return response
        messages.error(request, " ".join(_errors_message(exc)))
        return _back_to_plan(plan)
    if is_htmx(request):
        return _table_response(request, plan)
    messages.success(request, _("Đã thêm nhiệm vụ."))
    return _back_to_plan(plan)


@login_required
@require_GET
def task_row(request, pk: int, task_pk: int):
    plan = get_plan(request, pk)
    task = _task_with_relations(plan, task_pk)
    if not is_htmx(request):
        return _back_to_plan(plan, f"task-{task.pk}")
    return render(request, "plans/plan_detail.html#task_row", _task_context(request, plan, task))


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int, task_pk: int):
    plan = get_plan(request, pk)
    task = _task_with_relations(plan, task_pk)
    if request.method == "GET":
        if not _permissions(request.user, plan)["can_edit"]:
            raise PermissionDenied
        if not is_htmx(request):
            return redirect(f"{reverse('plan-detail', args=[plan.pk])}?edit={task.pk}#task-{task.pk}")
        context = _task_context(request, plan, task, values=_task_form_values(plan, task), errors={})
        return render(request, "plans/plan_detail.html#task_form", context)
    try:
        task = services.update_task(request.user, task, expand_standard_refs(request, plan, request.POST))
    except ValidationError as exc:
        values = _task_form_values(plan, task, request.POST)
        context = _task_context(request, plan, task, values=values, errors=exc.message_dict)
        if is_htmx(request):
            return render(request, "plans/plan_detail.html#task_form", context)
        messages.error(request, " ".join(_errors_message(exc)))
        return redirect(f"{reverse('plan-detail', args=[plan.pk])}?edit={task.pk}#task-{task.pk}")
    if is_htmx(request):
        task = _task_with_relations(plan, task.pk)
        tasks = task_rows(plan)
        context = _task_context(
            request,
            plan,
            task,
            counts=dimension_counts(plan, tasks),
            task_total=len(tasks),
            oob_counts=True,
            findings=check_plan(plan),
            oob_conformance=True,
        )
        return render(request, "plans/plan_detail.html#task_row", context)
    messages.success(request, _("Đã lưu nhiệm vụ."))
    return _back_to_plan(plan, f"task-{task.pk}")


def _task_action(request, pk: int, task_pk: int, action):
    plan = get_plan(request, pk)
    task = get_object_or_404(plan.tasks, pk=task_pk)
    try:
        action(plan, task)
    except ValidationError as exc:
        if is_htmx(request):
            return _table_response(request, plan, action_errors=_errors_message(exc))
        messages.error(request, " ".join(_errors_message(exc)))
        return _back_to_plan(plan)
    if is_htmx(request):
        return _table_response(request, plan)
    return _back_to_plan(plan, f"task-{task.pk}")


@login_required
@require_POST
def task_move(request, pk: int, task_pk: int, direction: str):
    return _task_action(
        request, pk, task_pk, lambda plan, task: services.move_task(request.user, task, direction)
    )


@login_required
@require_POST
def task_copy(request, pk: int, task_pk: int):
    return _task_action(request, pk, task_pk, lambda plan, task: services.copy_task(request.user, task))


@login_required
@require_POST
def task_delete(request, pk: int, task_pk: int):
    version = request.POST.get("version")

    def delete(plan, task):
        services.delete_task(request.user, task, int(version) if version and version.isdigit() else None)

    return _task_action(request, pk, task_pk, delete)


# ---------------------------------------------------------------------------------------------
# Pickers (accent-insensitive search of units, groups and criteria)


@login_required
@require_GET
def pick_units(request, pk: int):
    plan = get_plan(request, pk)
    query = request.GET.get("q", "").strip()
    day = reference_date(plan)
    options = picker_options(request.user, plan.issuer, day, query)
    standard = []
    if not query or "nhom" in " ".join(fold_words(query)) or "cac" in fold_words(query):
        standard = [
            {
                "value": f"standard:communes:{plan.issuer.pk}",
                "label": _("Các xã, phường trực thuộc (nhóm)"),
                "hint": plan.issuer.name,
            },
            {
                "value": f"standard:bodies:{plan.issuer.pk}",
                "label": _("Các cơ quan, đơn vị trực thuộc (nhóm)"),
                "hint": plan.issuer.name,
            },
        ]
    return render(
        request,
        "plans/plan_detail.html#picker_options",
        {"options": options + standard, "target": request.GET.get("target", "leads"), "query": query},
    )


@login_required
@require_GET
def pick_criteria(request, pk: int):
    plan = get_plan(request, pk)
    query = request.GET.get("q", "").strip()
    criteria = Criterion.objects.filter(version__in=plan.frameworks.all()).select_related("version")
    if query:
        criteria = criteria.search(query)
    options = [
        {"value": str(c.pk), "label": f"{c.code} {c.name_vi}", "hint": c.version.name}
        for c in criteria.order_by("version_id", "position", "id")[:30]
    ]
    return render(
        request,
        "plans/plan_detail.html#picker_options",
        {"options": options, "target": "criteria", "query": query},
    )


def expand_standard_refs(request, plan: Plan, data):
    """A picked "standard:communes:<unit>" becomes the unit's standard group (created on first use)."""
    data = data.copy()
    for key in ("leads", "partners"):
        values = data.getlist(key)
        if not any(v.startswith("standard:") for v in values):
            continue
        resolved = []
        for value in values:
            if value.startswith("standard:"):
                _prefix, which, unit_id = value.split(":", 2)
                unit = (
                    Unit.objects.restrict(request.user).filter(pk=unit_id).first()
                    if unit_id.isdigit()
                    else None
                )
                if unit is None or which not in ("communes", "bodies"):
                    resolved.append(value)
                    continue
                group = standard_group(unit, which, actor=request.user, on=reference_date(plan))
                resolved.append(f"group:{group.pk}")
            else:
                resolved.append(value)
        data.setlist(key, resolved)
    return data


# ---------------------------------------------------------------------------------------------
# Plan create / edit / issue / revise / close / delete


def _frameworks_for(user):
    return (
        FrameworkVersion.objects.restrict(user)
        .select_related("framework")
        .order_by("framework__code", "year_from")
    )


def _form_context(request, plan: Plan | None, form, errors, issuers=None) -> dict:
    year = (plan.year_from if plan else None) or timezone.localdate().year
    visible = visible_plans(request.user).exclude(state=PlanState.DRAFT).select_related("issuer")
    upper_choices = list(
        visible.filter(year_from__lte=year + 1, year_to__gte=year - 1).order_by("-issued_on")[:200]
    )
    if plan is not None and plan.upper_plan_id and plan.upper_plan_id not in {p.pk for p in upper_choices}:
        upper_choices.insert(0, plan.upper_plan)  # the current choice stays selectable whatever its year
    return {
        "plan": plan,
        "form": form,
        "errors": errors,
        "labels": PLAN_LABELS,
        "issuers": issuers or [],
        "versions": _frameworks_for(request.user),
        "upper_choices": upper_choices,
        "section_keys": PlanSection.Key.choices,
        "reference_kinds": [
            ("implements", _("Thực hiện")),
            ("replaces", _("Thay thế")),
            ("amends", _("Sửa đổi, bổ sung")),
        ],
    }


def _plan_form_values(plan: Plan) -> dict:
    return {
        "number_symbol": plan.number_symbol if plan.number else (f"/{plan.symbol}" if plan.symbol else ""),
        "place": plan.place,
        "issued_on": plan.issued_on.strftime("%d/%m/%Y") if plan.issued_on else "",
        "title": plan.title,
        "year_from": plan.year_from,
        "year_to": plan.year_to,
        "frameworks": [str(v.pk) for v in plan.frameworks.all()],
        "upper_plan": str(plan.upper_plan_id or ""),
        "preamble": plan.preamble,
        "recipients": plan.recipients,
        "signer_authority": plan.signer_authority,
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
        "issuer_label": plan.issuer_label,
        "issuer_parent_label": plan.issuer_parent_label,
        "appendix_title": plan.appendix_title,
        "lower_plan_due_on": plan.lower_plan_due_on.strftime("%d/%m/%Y") if plan.lower_plan_due_on else "",
        "lower_plan_due_working_days": plan.lower_plan_due_working_days or "",
        "sections": [
            {"heading": s.heading, "body": s.body, "depth": s.depth, "key": s.key}
            for s in plan.sections.all()
        ],
        "references": [
            {
                "kind": r.kind,
                "number_symbol": r.number_symbol,
                "issued_on": r.issued_on.strftime("%d/%m/%Y") if r.issued_on else "",
                "issuer_name": r.issuer_name,
                "title": r.title,
            }
            for r in plan.references.filter(target__isnull=True)
        ],
        "deadlines": [
            {"label": d.label, "due_on": d.due_on.strftime("%d/%m/%Y")} for d in plan.deadlines.all()
        ],
        "version": plan.version,
    }


def _posted_values(post) -> dict:
    """The form's values as the template reads them (repeating rows regrouped)."""
    values = {key: post.get(key, "") for key in post}
    values["frameworks"] = post.getlist("frameworks")
    values["sections"] = [
        {"heading": h, "body": b, "depth": d, "key": k}
        for h, b, d, k in zip(
            post.getlist("section_heading"),
            post.getlist("section_body"),
            post.getlist("section_depth"),
            post.getlist("section_key"),
            strict=False,
        )
        if h.strip() or b.strip()
    ]
    values["references"] = [
        {"kind": k, "number_symbol": n, "issued_on": d, "issuer_name": i, "title": t}
        for k, n, d, i, t in zip(
            post.getlist("ref_kind"),
            post.getlist("ref_number_symbol"),
            post.getlist("ref_issued_on"),
            post.getlist("ref_issuer_name"),
            post.getlist("ref_title"),
            strict=False,
        )
        if n.strip() or t.strip()
    ]
    values["deadlines"] = [
        {"label": label, "due_on": day}
        for label, day in zip(post.getlist("deadline_label"), post.getlist("deadline_due_on"), strict=False)
        if label.strip() or day.strip()
    ]
    return values


def _default_values(issuer: Unit | None) -> dict:
    from chiso.plans.cascade import place_name, signer_title_for
    from chiso.units.models import DIVISION_LEVEL

    year = timezone.localdate().year
    values = {
        "number_symbol": "/KH-UBND",
        "year_from": year,
        "year_to": year,
        "sections": [
            {"heading": "I. MỤC ĐÍCH, YÊU CẦU", "body": "", "depth": 1, "key": "purpose"},
            {"heading": "II. NHIỆM VỤ, GIẢI PHÁP", "body": "", "depth": 1, "key": "solutions"},
            {"heading": "III. TỔ CHỨC THỰC HIỆN", "body": "", "depth": 1, "key": "organisation"},
        ],
        "recipients": "Lưu: VT.",
    }
    if issuer is not None:
        is_division = issuer.kind in DIVISION_LEVEL
        values.update(
            {
                "place": place_name(issuer) if is_division else "",
                "signer_authority": "TM. ỦY BAN NHÂN DÂN" if is_division else "",
                "signer_title": signer_title_for(issuer),
            }
        )
    return values


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    issuers = editable_units(request.user)
    wanted = request.POST.get("issuer") or request.GET.get("issuer")
    issuer = None
    if wanted and str(wanted).isdigit():
        issuer = Unit.objects.restrict(request.user, EDIT).current().filter(pk=int(wanted)).first()
        if issuer is None:
            raise PermissionDenied
        if issuer not in issuers:
            issuers = [issuer, *issuers]
    elif len(issuers) == 1:
        issuer = issuers[0]
    if not issuers:
        raise PermissionDenied
    if request.method == "GET":
        values = _default_values(issuer)
        values["issuer"] = str(issuer.pk) if issuer else ""
        return render(request, "plans/plan_form.html", _form_context(request, None, values, {}, issuers))
    if issuer is None:
        errors = {"issuer": [_("Cơ quan ban hành: cần chọn đơn vị ban hành kế hoạch.")]}
        return render(
            request,
            "plans/plan_form.html",
            _form_context(request, None, _posted_values(request.POST), errors, issuers),
            status=422,
        )
    try:
        plan = services.create_plan(request.user, issuer, request.POST)
    except ValidationError as exc:
        values = _posted_values(request.POST)
        return render(
            request,
            "plans/plan_form.html",
            _form_context(request, None, values, exc.message_dict, issuers),
            status=422,
        )
    messages.success(request, _("Đã tạo dự thảo kế hoạch. Hãy thêm nhiệm vụ vào bảng nhiệm vụ."))
    return redirect("plan-detail", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = get_plan(request, pk)
    if not can(request.user, EDIT, plan.issuer_id):
        raise PermissionDenied
    if plan.state != PlanState.DRAFT:
        messages.error(request, _("Kế hoạch đã ban hành nên không sửa được; hãy tạo bản sửa đổi."))
        return redirect("plan-detail", pk=plan.pk)
    if request.method == "GET":
        return render(
            request, "plans/plan_form.html", _form_context(request, plan, _plan_form_values(plan), {})
        )
    try:
        services.update_plan(request.user, plan, request.POST)
    except ValidationError as exc:
        values = _posted_values(request.POST)
        return render(
            request,
            "plans/plan_form.html",
            _form_context(request, plan, values, exc.message_dict),
            status=422,
        )
    messages.success(request, _("Đã lưu kế hoạch."))
    return redirect("plan-detail", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_issue(request, pk: int):
    """Confirm, then issue: the plan gets its number and date and becomes read-only."""
    plan = get_plan(request, pk)
    if not can(request.user, EDIT, plan.issuer_id):
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            services.issue_plan(
                request.user,
                plan,
                version=int(version) if version.isdigit() else -1,
                issued_on=request.POST.get("issued_on") or None,
                number_symbol=request.POST.get("number_symbol") or None,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(
                request,
                _("Đã ban hành kế hoạch %(ns)s.") % {"ns": Plan.objects.get(pk=plan.pk).number_symbol},
            )
            return redirect("plan-detail", pk=plan.pk)
    if plan.state != PlanState.DRAFT and not errors:
        return redirect("plan-detail", pk=plan.pk)
    findings = check_plan(plan)
    context = {
        "plan": plan,
        "errors": errors,
        "findings": findings,
        "task_count": plan.tasks.count(),
        "form": request.POST
        if request.method == "POST"
        else {
            "number_symbol": plan.number_symbol if plan.number else f"/{plan.symbol}",
            "issued_on": (plan.issued_on or timezone.localdate()).strftime("%d/%m/%Y"),
        },
        "labels": PLAN_LABELS,
    }
    return render(request, "plans/plan_issue.html", context, status=422 if errors else 200)


@login_required
@require_POST
def plan_revise(request, pk: int):
    plan = get_plan(request, pk)
    try:
        revision = services.create_revision(request.user, plan)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_message(exc)))
        return redirect("plan-detail", pk=plan.pk)
    messages.success(
        request, _("Đã tạo dự thảo sửa đổi; kế hoạch cũ vẫn giữ nguyên cho đến khi bản mới được ban hành.")
    )
    return redirect("plan-detail", pk=revision.pk)


@login_required
@require_POST
def plan_close(request, pk: int):
    plan = get_plan(request, pk)
    version = request.POST.get("version", "")
    try:
        services.close_plan(request.user, plan, version=int(version) if version.isdigit() else -1)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_message(exc)))
    else:
        messages.success(request, _("Đã kết thúc kế hoạch."))
    return redirect("plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_delete(request, pk: int):
    plan = get_plan(request, pk)
    try:
        services.delete_plan(request.user, plan)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_message(exc)))
        return redirect("plan-detail", pk=plan.pk)
    messages.success(request, _("Đã xóa dự thảo kế hoạch."))
    return redirect("plan-list")


# ---------------------------------------------------------------------------------------------
# Cascade


@login_required
@require_http_methods(["GET", "POST"])
def plan_cascade(request, pk: int):
    """Choose the units that get a draft implementing plan, and the deadline for their plans.

    Two steps: the chosen units (none ticked unless the coordinator ticks them or "all") are first
    listed by name with the number of drafts; the drafts are created when that is confirmed.
    """
    plan = get_plan(request, pk)
    if not can(request.user, COORDINATE, plan.issuer_id):
        raise PermissionDenied
    errors: dict = {}
    preview: list | None = None
    if request.method == "POST" and "back" not in request.POST:
        version = request.POST.get("version", "")
        chosen = [int(v) for v in request.POST.getlist("units") if v.isdigit()]
        try:
            if "lower_plan_due_on" in request.POST or "lower_plan_due_working_days" in request.POST:
                due_on = request.POST.get("lower_plan_due_on", "").strip()
                days = request.POST.get("lower_plan_due_working_days", "").strip()
                if (due_on, days) != (
                    plan.lower_plan_due_on.strftime("%d/%m/%Y") if plan.lower_plan_due_on else "",
                    str(plan.lower_plan_due_working_days or ""),
                ):
                    plan = services.set_lower_plan_deadline(
                        request.user,
                        plan,
                        version=int(version) if version.isdigit() else -1,
                        due_on=due_on or None,
                        working_days=days or None,
                    )
            if not chosen:
                raise ValidationError({"units": [_("Đơn vị: cần chọn ít nhất một đơn vị.")]})
            if request.POST.get("confirm") == "1":
                result = cascade_plan(request.user, plan, chosen)
            else:
                preview = cascade_preview(plan, chosen)
                if not preview:
                    raise ValidationError({"units": [_("Đơn vị: các đơn vị được chọn đều đã có kế hoạch.")]})
        except ValidationError as exc:
            errors = exc.message_dict
            preview = None
        else:
            if preview is None:
                messages.success(
                    request,
                    _("Đã tạo %(n)d dự thảo kế hoạch thực hiện: %(units)s.")
                    % {"n": len(result.created), "units": ", ".join(p.issuer.name for p in result.created)},
                )
                return redirect(f"{reverse('plan-detail', args=[plan.pk])}#lower-plans")
        plan = Plan.objects.select_related("issuer").get(pk=plan.pk)
    if plan.state != PlanState.ISSUED:
        messages.error(request, _("Chỉ giao kế hoạch cho cấp dưới sau khi kế hoạch đã ban hành."))
        return redirect("plan-detail", pk=plan.pk)
    assigned = assigned_units(plan)
    existing = {p.issuer_id: p for p in plan.lower_plans.all()}
    rows = [
        {
            "unit": entry.unit,
            "tasks": len(entry.task_ids),
            "leads": len(entry.lead_task_ids),
            "plan": existing.get(unit_id),
        }
        for unit_id, entry in assigned.items()
    ]
    context = {
        "plan": plan,
        "rows": rows,
        "errors": errors,
        "deadline": plan.lower_plan_deadline(),
        "form": request.POST
        if request.method == "POST"
        else {
            "lower_plan_due_on": plan.lower_plan_due_on.strftime("%d/%m/%Y")
            if plan.lower_plan_due_on
            else "",
            "lower_plan_due_working_days": plan.lower_plan_due_working_days or "",
        },
        "chosen": {int(v) for v in request.POST.getlist("units") if v.isdigit()},
        "preview": preview,
        "commune_kinds": COMMUNE_KINDS,
    }
    return render(request, "plans/plan_cascade.html", context, status=422 if errors else 200)


# ---------------------------------------------------------------------------------------------
# Export


@login_required
@require_GET
def plan_export(request, pk: int, fmt: str):
    if fmt not in ("docx", "xlsx"):
        raise Http404
    plan = get_plan(request, pk)
    content = export_bytes(plan, fmt)
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{plan_file_name(plan, fmt)}"'
    return response

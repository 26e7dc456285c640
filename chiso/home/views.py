"""The home page: what is due from the user's units, their plans, for coordinators what waits
for them (reports to approve, lower plans, units to chase: `chiso.home.coordinator`), and, for
leaders and coordinators, the unit's index results beside its plan (loaded as an htmx fragment,
so the home answers at once and the heavier figures follow)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from chiso.core.htmx import render_page
from chiso.home.coordinator import awaiting_reports, coordinates, coordinator_home, units_to_chase
from chiso.home.dashboard import DASHBOARD_ROLES, dashboards
from chiso.plans.models import Plan, PlanState
from chiso.reporting import services
from chiso.reporting.inbox import inbox
from chiso.reporting.reminders import remind_now
from chiso.scores.analytics_views import analytics_url, results_context
from chiso.units.models import Unit


@login_required
def home(request):
    """The signed-in user's units: what is due from them, their plans, and what lies below."""
    memberships = list(request.user.memberships.select_related("unit", "unit__parent"))
    unit_ids = [m.unit_id for m in memberships]
    child_counts = dict(
        Unit.objects.current()
        .filter(parent_id__in=unit_ids)
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    plan_counts: dict[tuple[int, str], int] = {
        (row["issuer_id"], row["state"]): row["n"]
        for row in Plan.objects.filter(issuer_id__in=unit_ids)
        .values("issuer_id", "state")
        .annotate(n=Count("id"))
    }
    cards = [
        {
            "membership": m,
            "unit": m.unit,
            "child_count": child_counts.get(m.unit_id, 0),
            "issued_plans": plan_counts.get((m.unit_id, PlanState.ISSUED), 0),
            "draft_plans": plan_counts.get((m.unit_id, PlanState.DRAFT), 0),
        }
        for m in memberships
    ]
    today = timezone.localdate()
    context = {
        "cards": cards,
        "items": inbox(request.user, today),
        "today": today,
        "dashboard": any(m.role in DASHBOARD_ROLES for m in memberships),
        "coordinator": coordinator_home(request.user, today) if coordinates(request.user) else None,
    }
    return render(request, "core/home.html", context)


@login_required
@require_GET
def dashboard(request):
    """The leader's and coordinator's figures: index position and trend, weak dimensions, the
    current plan's tasks and progress per dimension, the units late or behind."""
    today = timezone.localdate()
    boards = []
    for board in dashboards(request.user, today):
        item = {"board": board}
        if board.results is not None:
            item |= results_context(board.results)
            item["url"] = analytics_url(board.results_unit.pk, board.framework.code, board.results.year)
        boards.append(item)
    return render_page(request, "home/dashboard.html", {"boards": boards, "today": today}, partial="boards")


@login_required
@require_POST
def approve(request):
    """Approve the reports ticked on the home page (or the one of the button), only unflagged
    ones in bulk; each goes through `services.approve_report` (permission, state, version)."""
    wanted: dict[int, int | None] = {}
    for raw in request.POST.getlist("reports"):
        pk, _sep, version = raw.partition(":")
        if pk.isdigit():
            wanted[int(pk)] = int(version) if version.isdigit() else None
    if not wanted:
        messages.error(request, _("Chưa chọn báo cáo nào để duyệt."))
        return redirect("home")
    rows = awaiting_reports(request.user, timezone.localdate(), ids=list(wanted))
    bulk = len(wanted) > 1
    approved = 0
    for row in rows:
        if bulk and row.flagged:
            messages.warning(
                request,
                _("Chưa duyệt báo cáo của %(u)s: %(f)s; hãy mở báo cáo để xem.")
                % {"u": row.report.unit.name, "f": "; ".join(row.flags).lower()},
            )
            continue
        try:
            services.approve_report(request.user, row.report, wanted[row.report.pk])
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("%(u)s: %(m)s") % {"u": row.report.unit.name, "m": text})
        else:
            approved += 1
    missing = len(wanted) - len(rows)
    if missing:
        messages.error(
            request,
            ngettext(
                "%(n)d báo cáo không còn chờ duyệt (đã được duyệt hoặc trả lại).",
                "%(n)d báo cáo không còn chờ duyệt (đã được duyệt hoặc trả lại).",
                missing,
            )
            % {"n": missing},
        )
    if approved:
        messages.success(
            request,
            ngettext("Đã duyệt %(n)d báo cáo.", "Đã duyệt %(n)d báo cáo.", approved) % {"n": approved},
        )
    return redirect("home")


@login_required
@require_POST
def remind(request):
    """Remind one unit of one round ("round:unit"), or every unit to chase ("all")."""
    dues = units_to_chase(request.user, timezone.localdate())
    target = request.POST.get("due", "")
    if target != "all":
        dues = [d for d in dues if f"{d.round.pk}:{d.unit.pk}" == target]
    if not dues:
        messages.error(request, _("Không có đơn vị nào cần nhắc (có thể đơn vị đã gửi báo cáo)."))
        return redirect("home")
    result = remind_now(dues)
    units = {d.unit.pk: d.unit for d in dues}
    reached = len(units) - len({u.pk for u in result.without_recipient})
    if reached:
        messages.success(
            request,
            ngettext(
                "Đã nhắc %(n)d đơn vị (%(a)d thông báo trong hệ thống, %(e)d thư điện tử).",
                "Đã nhắc %(n)d đơn vị (%(a)d thông báo trong hệ thống, %(e)d thư điện tử).",
                reached,
            )
            % {"n": reached, "a": result.sent.notifications, "e": result.sent.emails},
        )
    for unit in result.without_email:
        messages.warning(
            request,
            _("%(u)s: không ai trong đơn vị có địa chỉ thư điện tử, chỉ gửi thông báo trong hệ thống.")
            % {"u": unit.name},
        )
    for unit in result.without_recipient:
        messages.error(
            request, _("%(u)s: chưa có tài khoản nào của đơn vị để nhận nhắc việc.") % {"u": unit.name}
        )
    if result.sent.failed:
        messages.error(
            request, _("%(n)d thư điện tử chưa gửi được; hãy thử lại sau.") % {"n": result.sent.failed}
        )
    return redirect("home")


@login_required
@require_GET
def bell(request):
    """The top bar's bell with what waits (loaded by htmx, so pages themselves run no query for it)."""
    return render(request, "home/bell.html")

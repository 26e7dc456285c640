"""The home page: what is due from the user's units, their plans, and, for leaders and
coordinators, the unit's index results beside its plan (loaded as an htmx fragment, so the
home answers at once and the heavier figures follow)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chiso.core.htmx import render_page
from chiso.home.dashboard import DASHBOARD_ROLES, dashboards
from chiso.plans.models import Plan, PlanState
from chiso.reporting.inbox import inbox
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

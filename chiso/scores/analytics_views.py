"""Pages of a unit's index results: analytics, table and briefing downloads, a plan's gap
analysis (an htmx fragment on the plan pages) and the public results fragment.

Permissions: a unit's pages need sign-in and the unit in the user's VIEW scope
(`Unit.objects.restrict`); a plan's gaps need the plan in `Plan.objects.restrict`; out of scope
is 404. The public fragment needs no sign-in and shows only published sets (official, derived
from official, final appraisals: `ScoreSet.is_public`), never self-assessments or surveys.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from chiso.core.htmx import render_page
from chiso.frameworks.models import Framework
from chiso.plans.models import Plan
from chiso.scores.analytics import (
    RESULT_SOURCES,
    CriterionResult,
    UnitResults,
    frameworks_with_results,
    results_unit_for,
    unit_results,
)
from chiso.scores.briefing import briefing_docx
from chiso.scores.gaps import gap_analysis
from chiso.scores.models import Group, ScoreSet
from chiso.scores.presentation import chart_data, derived_label, grouped_subdimensions, rank_phrase, weak
from chiso.scores.tables import TABLES, filename, tables_xlsx
from chiso.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREFERRED = ("PAPI",)


class ResultsQuery(forms.Form):
    """?framework=PAPI&year=2023 (both optional: the first framework, the latest year)."""

    framework = forms.CharField(required=False, max_length=40)
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)


def pick_framework(frameworks: list[Framework], code: str | None) -> Framework | None:
    """The framework named by `code`, else PAPI, else the first."""
    if code:
        return next((f for f in frameworks if f.code.lower() == code.lower()), None)
    for preferred in PREFERRED:
        found = next((f for f in frameworks if f.code == preferred), None)
        if found:
            return found
    return frameworks[0] if frameworks else None


def _query(request) -> tuple[str, int | None]:
    form = ResultsQuery(request.GET)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["framework"] or "", form.cleaned_data["year"]


def results_for(
    unit: Unit, code: str, year: int | None
) -> tuple[list[Framework], Framework | None, UnitResults | None]:
    frameworks = frameworks_with_results(unit)
    framework = pick_framework(frameworks, code)
    results = unit_results(unit, framework, year) if framework else None
    return frameworks, framework, results


def _scoped_unit(request, unit_id: int) -> Unit:
    return get_object_or_404(Unit.objects.restrict(request.user).select_related("parent"), pk=unit_id)


def _required_results(request, unit_id: int) -> UnitResults:
    unit = _scoped_unit(request, unit_id)
    code, year = _query(request)
    _frameworks, _framework, results = results_for(unit, code, year)
    if results is None:
        raise Http404
    return results


def analytics_url(unit_id: int, framework: str, year: int | None = None) -> str:
    url = reverse("scores-unit", args=[unit_id]) + f"?framework={framework}"
    return url + (f"&year={year}" if year else "")


def _sub_rows(results: UnitResults) -> list[CriterionResult]:
    """Each dimension that has sub-dimensions, followed by them."""
    return [row for dimension, subs in grouped_subdimensions(results) for row in (dimension, *subs)]


def results_context(results: UnitResults) -> dict:
    """What the results templates (page, home, public fragment) need beside `results`."""
    peers = [{**vars(p), "group_label": str(Group(p.group).label) if p.group else ""} for p in results.peers]
    return {
        "results": results,
        "dimension_rows": [results.total, *results.dimensions],
        "sub_rows": _sub_rows(results),
        "peers": peers,
        "rank_text": rank_phrase(results.total, results.previous_year),
        "derived_text": derived_label() if results.derived else "",
        "weak": weak(results),
        "charts": chart_data(results),
        "chart_id": f"charts-{results.unit.pk}-{results.framework.pk}-{results.year}",
    }


@login_required
@require_GET
def unit_analytics(request, unit_id: int):
    unit = _scoped_unit(request, unit_id)
    code, year = _query(request)
    frameworks, framework, results = results_for(unit, code, year)
    context = {"unit": unit, "frameworks": frameworks, "framework": framework, "results": None}
    if results is not None:
        context |= results_context(results)
        context["components"] = [
            (u, w, analytics_url(u.pk, framework.code, results.year)) for u, w in results.components
        ]
        context["tables"] = TABLES
    elif not frameworks:
        # A body or commune without its own results: the nearest unit above that has them.
        for candidate in Framework.objects.order_by("code"):
            upper = results_unit_for(unit, candidate)
            if upper is not None and upper.pk != unit.pk:
                context["upper"] = upper
                context["upper_url"] = analytics_url(upper.pk, candidate.code)
                break
    status = 404 if framework is None and code else 200
    return render(request, "scores/analytics.html", context, status=status)


@login_required
@require_GET
def unit_tables(request, unit_id: int, table: str):
    if table not in (*TABLES, "all"):
        raise Http404
    results = _required_results(request, unit_id)
    response = HttpResponse(tables_xlsx(results, table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename(results, table, "xlsx")}"'
    return response


@login_required
@require_GET
def unit_briefing(request, unit_id: int):
    results = _required_results(request, unit_id)
    response = HttpResponse(briefing_docx(results), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename(results, "bao-cao", "docx")}"'
    return response


@login_required
@require_GET
def plan_gaps(request, plan_id: int):
    """The gap analysis of a plan (`?compact=1`: the weak criteria without tasks, for a matrix row)."""
    plan = get_object_or_404(
        Plan.objects.restrict(request.user).select_related("issuer", "upper_plan"), pk=plan_id
    )
    analyses = gap_analysis(plan)
    context = {
        "plan": plan,
        "blocks": [
            {
                "analysis": a,
                "url": analytics_url(a.unit.pk, a.framework.code, a.scores_year) if a.unit else "",
                "own": a.unit is not None and a.unit.pk == plan.issuer_id,
            }
            for a in analyses
        ],
        "lower": plan.upper_plan_id is not None and plan.state == "draft",
        "groups": Group.choices,
    }
    if request.GET.get("compact"):
        context["uncovered"] = [row for a in analyses for row in a.rows if row.priority == 0]
        return render(request, "scores/gaps.html#compact", context)
    return render_page(request, "scores/gaps.html", context, partial="gaps")


@require_GET
def public_unit_results(request, unit_id: int):
    """The published results of a unit for its public page (no sign-in)."""
    unit = get_object_or_404(Unit, pk=unit_id)
    blocks = []
    for framework in frameworks_with_results(unit):
        results = unit_results(unit, framework)
        if results is None or not _all_public(unit, framework, results.years):
            continue
        blocks.append(results_context(results))
    return render_page(
        request, "scores/analytics_public.html", {"unit": unit, "blocks": blocks}, partial="public"
    )


def _all_public(unit: Unit, framework: Framework, years: list[int]) -> bool:
    """True when every result shown (one per year) is a published set."""
    hidden = (
        ScoreSet.objects.filter(unit=unit, version__framework=framework, year__in=years, is_public=False)
        .filter(source__in=RESULT_SOURCES)
        .exists()
    )
    return not hidden

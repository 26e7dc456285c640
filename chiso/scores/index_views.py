"""The index results landing page: the user's units and the year's ranking of published results.

Published results (official and final appraisals, `ScoreSet.is_public`) are public facts, so the
ranking lists every unit of the cohort; a unit's own analytics page opens only for units in the
user's view scope (the link is shown for those). Derived results of merged units never enter the
ranking: they are listed apart, each labelled, with its estimated place.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chiso.frameworks.models import Framework
from chiso.scores.analytics import TOTAL, load_cohorts, results_unit_for
from chiso.scores.analytics_views import analytics_url
from chiso.scores.models import Group, ScoreSet, Source
from chiso.units.scope import VIEW, unit_scope


class RankingQuery(forms.Form):
    framework = forms.CharField(required=False, max_length=40)
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)


def _ranking(framework: Framework, year: int, level: str, scope) -> dict:
    cohort = load_cohorts(framework, {year}, level)[year]
    rows = []
    for unit_id, name in cohort.names.items():
        rank, ranked, group = cohort.rank_of(TOTAL, unit_id)
        rows.append(
            {
                "name": name,
                "total": cohort.values.get(TOTAL, {}).get(unit_id),
                "rank": rank,
                "ranked": ranked,
                "group_label": Group(group).label if group else "",
                "url": analytics_url(unit_id, framework.code, year) if unit_id in scope else "",
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    derived = []
    for score_set in (
        ScoreSet.objects.filter(version__framework=framework, year=year, source=Source.DERIVED)
        .select_related("unit")
        .prefetch_related("scores", "components__component")
        .order_by("unit__name")
    ):
        total = next((s.value for s in score_set.scores.all() if s.criterion_id is None), None)
        place = None
        if total is not None:
            leave_out = frozenset(link.component.unit_id for link in score_set.components.all())
            place = cohort.place(TOTAL, total, leave_out)
        derived.append(
            {
                "name": score_set.unit.name,
                "total": total,
                "place": place,
                "url": analytics_url(score_set.unit_id, framework.code, year)
                if score_set.unit_id in scope
                else "",
            }
        )
    return {"rows": rows, "derived": derived, "mean": cohort.mean(TOTAL)}


@login_required
@require_GET
def scores_home(request):
    form = RankingQuery(request.GET)
    if not form.is_valid():
        raise Http404
    scope = unit_scope(request.user, VIEW)
    frameworks = list(
        Framework.objects.restrict(request.user)
        .filter(versions__score_sets__source__in=[Source.OFFICIAL, Source.APPRAISAL])
        .distinct()
        .order_by("code")
    )
    code = form.cleaned_data["framework"] or "PAPI"
    framework = next(
        (f for f in frameworks if f.code.lower() == code.lower()), frameworks[0] if frameworks else None
    )
    own = []
    for membership in request.user.memberships.select_related("unit"):
        for candidate in frameworks:
            unit = results_unit_for(membership.unit, candidate)
            if unit is not None:
                own.append(
                    {"unit": unit, "framework": candidate, "url": analytics_url(unit.pk, candidate.code)}
                )
    context = {"frameworks": frameworks, "framework": framework, "own": own, "years": [], "year": None}
    if framework is not None:
        years = sorted(
            set(
                ScoreSet.objects.filter(
                    version__framework=framework, source__in=[Source.OFFICIAL, Source.APPRAISAL]
                ).values_list("year", flat=True)
            ),
            reverse=True,
        )
        year = form.cleaned_data["year"] or (years[0] if years else None)
        if year not in years:
            raise Http404
        context |= {"years": years, "year": year, **_ranking(framework, year, "province", scope)}
    return render(request, "scores/index.html", context)

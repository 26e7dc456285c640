"""Index results analytics: ranks, changes, flags, means, derived series and gap analysis.

A hand-built framework with two dimensions scored for five provinces in 2023 and 2024 (the old
Hà Giang and Tuyên Quang merged into today's Tuyên Quang, whose series is derived); every figure
the tests expect is computed by hand in the comments. Then the shipped PAPI results are checked
against the reference file itself.
"""

import csv
import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.core.actors import system_actor
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion
from chiso.plans.models import Plan, PlanState, Task, TaskAssignment
from chiso.reporting.models import ReportingRound, RoundKind, TaskProgress, TaskStatus, UnitReport
from chiso.scores import derived
from chiso.scores.analytics import quartile_group, results_json, unit_results
from chiso.scores.gaps import gap_analysis, gap_json
from chiso.scores.models import Population, Score, ScoreSet, Source
from chiso.units.lookup import UnitLookupError, find_unit
from chiso.units.models import Unit
from tests.conftest import unit

D = Decimal
# unit ref → {year: (d1, d2)}; the total is d1 + d2.
VALUES = {
    "vn:province:01": {2023: (5, 6), 2024: (6, 6)},  # Hà Nội
    "vn:province:04": {2023: (4, 7), 2024: (4, 5)},  # Cao Bằng
    "vn:province:38": {2023: (6, 4), 2024: (5, 5)},  # Thanh Hóa
    "vn-pre2025:province:02": {2023: (3, 5), 2024: (4, 4)},  # Hà Giang (old)
    "vn-pre2025:province:08": {2023: (5, 3), 2024: (6, 2)},  # Tuyên Quang (old)
}


@pytest.fixture
def world(db):
    framework = Framework.objects.create(
        code="THU", kind=Framework.Kind.CUSTOM, name_vi="Chỉ số thử", short_name="THU"
    )
    version = FrameworkVersion.objects.create(
        framework=framework, code="2023", name="THU 2023–", year_from=2023
    )
    dims = {
        code: Criterion.objects.create(
            version=version,
            level=CriterionLevel.DIMENSION,
            code=code,
            name_vi=f"Nội dung {code}",
            max_points=D(10),
            position=int(code),
        )
        for code in ("1", "2")
    }
    for ref, years in VALUES.items():
        for year, (d1, d2) in years.items():
            score_set = ScoreSet.objects.create(
                unit=unit(ref), version=version, year=year, source=Source.OFFICIAL, is_public=True
            )
            Score.objects.create(score_set=score_set, criterion=dims["1"], value=D(d1))
            Score.objects.create(score_set=score_set, criterion=dims["2"], value=D(d2))
            Score.objects.create(score_set=score_set, criterion=None, value=D(d1 + d2))
    derived.rebuild_all(framework, system_actor())
    return {"framework": framework, "version": version, "dims": dims}


def by_code(results, code):
    return next(c for c in results.criteria if c.code == code)


def test_rank_change_flags_means_of_a_published_unit(world):
    results = unit_results(unit("vn:province:38"), world["framework"], 2024)
    assert not results.derived and results.previous_year == 2023
    total = results.total
    # 2024 totals 12, 9, 10, 8, 8: Thanh Hóa's 10 ranks 2 of 5 (top ⌈5/4⌉ = 2 are the best group).
    assert (total.score, total.rank, total.ranked, total.group) == (D(10), 2, 5, "best")
    # 2023 totals 11, 11, 10, 8, 8: rank 3, so it moved up one place; the total did not change.
    assert (total.previous_rank, total.rank_change, total.change) == (3, 1, D(0))
    assert total.national_mean == D("9.4")
    d1, d2 = by_code(results, "1"), by_code(results, "2")
    # d1: 5 after 6 → falling; values 6, 4, 5, 4, 6 → mean 5.0, rank 3 → second group.
    assert (d1.change, d1.rank, d1.group, d1.national_mean) == (D(-1), 3, "high_average", D(5))
    assert d1.flags == ["falling"]
    assert (d1.best.unit_name, d1.best.score) == ("Thành phố Hà Nội", D(6))
    # d2: 5 after 4 → rising; values 6, 5, 5, 4, 2 → mean 4.4, rank 2 → best group.
    assert (d2.change, d2.rank, d2.group, d2.national_mean, d2.flags) == (
        D(1),
        2,
        "best",
        D("4.4"),
        ["rising"],
    )


def test_lowest_group_and_below_mean(world):
    results = unit_results(unit("vn-pre2025:province:08"), world["framework"], 2024)
    d2 = by_code(results, "2")
    # d2 = 2, the lowest of 6, 5, 5, 4, 2: rank 5 of 5 → poor (rank 4 is still ≤ ⌈15/4⌉ = 4).
    assert (d2.rank, d2.group) == (5, "poor")
    assert d2.flags == ["falling", "lowest_group", "below_mean"]
    hg = by_code(unit_results(unit("vn-pre2025:province:02"), world["framework"], 2024), "1")
    # Hà Giang's d1 = 4 ties Cao Bằng: three higher values → rank 4, third group.
    assert (hg.rank, hg.group) == (4, "low_average")


def test_derived_series_of_a_merged_unit(world):
    new_tq = unit("vn:province:08")
    results = unit_results(new_tq, world["framework"], 2024)
    assert results.derived and results.source == Source.DERIVED
    assert results.derived_label == "số liệu quy đổi từ các đơn vị cũ"
    assert {u.name for u, w in results.components} == {"Tỉnh Hà Giang", "Tỉnh Tuyên Quang"}
    assert "Trung bình cộng" in results.method
    # Plain means: d1 (4 + 6) / 2 = 5, d2 (4 + 2) / 2 = 3, total 8; 2023: 4, 4, 8.
    assert (results.total.score, by_code(results, "1").score, by_code(results, "2").score) == (
        D(8),
        D(5),
        D(3),
    )
    assert (results.total.previous, results.total.change) == (D(8), D(0))
    # Placed among the other three published totals 12, 9, 10: rank 4 of 4, estimated → poor.
    assert (results.total.rank, results.total.ranked, results.total.rank_estimated) == (4, 4, True)
    assert results.total.flags == ["lowest_group", "below_mean"]
    # The national mean is over the published units only (derived sets never enter it).
    assert results.total.national_mean == D("9.4")
    assert [p.derived for p in results.series[""]] == [True, True]
    data = results_json(results)
    assert data["derived"] is True and data["derived_label"] == "số liệu quy đổi từ các đơn vị cũ"
    # Rebuilding changes nothing.
    again = derived.rebuild_all(world["framework"], system_actor())
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


def test_derived_series_weighted_by_population_when_known(world):
    actor = system_actor()
    Population.objects.create(unit=unit("vn-pre2025:province:02"), year=2024, value=900_000, source="test")
    Population.objects.create(unit=unit("vn-pre2025:province:08"), year=2024, value=800_000, source="test")
    report = derived.rebuild_all(world["framework"], actor)
    assert report.updated == 1
    results = unit_results(unit("vn:province:08"), world["framework"], 2024)
    # d1 = (4 × 900,000 + 6 × 800,000) / 1,700,000 = 84/17 = 4.94117… → 4.9412.
    assert by_code(results, "1").score == D("4.9412")
    assert "dân số" in results.method
    # 2023 has no population: still the plain mean.
    assert by_code(unit_results(unit("vn:province:08"), world["framework"], 2023), "1").score == D(4)


def test_a_unit_with_its_own_result_gets_no_derived_set(world):
    assert (
        not ScoreSet.objects.filter(version=world["version"], source=Source.DERIVED)
        .exclude(unit=unit("vn:province:08"))
        .exists()
    )
    assert ScoreSet.objects.filter(version=world["version"], source=Source.DERIVED).count() == 2


def test_quartile_groups():
    assert [quartile_group(r, 61) for r in (1, 16, 17, 31, 32, 46, 47, 61)] == [
        "best",
        "best",
        "high_average",
        "high_average",
        "low_average",
        "low_average",
        "poor",
        "poor",
    ]


@pytest.fixture
def gap_plan(world):
    province = unit("vn:province:08")
    plan = Plan.objects.create(
        issuer=province,
        number="7",
        symbol="KH-UBND",
        title="Kế hoạch thử",
        year_from=2025,
        year_to=2025,
        state=PlanState.ISSUED,
        issued_on=dt.date(2025, 8, 1),
    )
    plan.frameworks.add(world["version"])
    tasks = []
    for position, code in enumerate(["1", "1", "2"]):
        task = Task.objects.create(plan=plan, position=position, text=f"Nhiệm vụ {position}", lead_text="")
        task.criteria.add(world["dims"][code])
        tasks.append(task)
    lead = Unit.objects.create(parent=province, kind="department", name="Sở Nội vụ (thử)")
    TaskAssignment.objects.create(task=tasks[2], role=TaskAssignment.Role.LEAD, unit=lead)
    rnd = ReportingRound.objects.create(
        plan=plan,
        number=1,
        kind=RoundKind.QUARTERLY,
        title="Quý IV/2025",
        period_start=dt.date(2025, 8, 1),
        period_end=dt.date(2025, 12, 15),
        opens_on=dt.date(2025, 12, 1),
        due_on=dt.date(2025, 12, 20),
        locks_on=dt.date(2025, 12, 31),
        coordinator_due_on=dt.date(2025, 12, 25),
    )
    communes = list(province.children.filter(kind="commune").order_by("code")[:2])
    for commune, status in zip(communes, [TaskStatus.DONE, TaskStatus.IN_PROGRESS], strict=True):
        report = UnitReport.objects.create(round=rnd, unit=commune)
        TaskProgress.objects.create(report=report, task=tasks[2], status=status)
        TaskProgress.objects.create(report=report, task=tasks[0], status=TaskStatus.NOT_APPLICABLE)
    return plan, lead


def test_gap_analysis_flags_weak_criteria_with_few_tasks_first(gap_plan):
    plan, lead = gap_plan
    [analysis] = gap_analysis(plan)
    # Issued 01/8/2025: the 2024 results (available from 01/5/2025) are the latest before it.
    assert (analysis.scores_year, analysis.derived, analysis.unit.name) == (2024, True, "Tỉnh Tuyên Quang")
    first, second = analysis.rows
    # d2: 3 after 4 (falling), rank 4 of 4 (poor), below the mean 4.4; one task → flagged first.
    assert (first.code, first.priority, first.tasks) == ("2", 0, 1)
    assert first.flags == ["falling", "lowest_group", "below_mean"]
    assert first.reason == (
        "Giảm 1,00 điểm so với năm 2023; thuộc nhóm đạt điểm thấp nhất; dưới trung bình cả nước (4,40); "
        "kế hoạch chỉ có 1 nhiệm vụ"
    )
    assert first.lead_units == [lead.name]
    # One commune done, one in progress: 50 %.
    assert first.progress_pct == D("50.0")
    # d1: 5 after 4 (rising), equal to the mean 5.0: not weak; two tasks, all rows not applicable.
    assert (second.code, second.priority, second.tasks, second.flags, second.progress_pct) == (
        "1",
        2,
        2,
        ["rising"],
        None,
    )
    data = gap_json([analysis])
    assert data["plan"] == "7/KH-UBND" and data["scores_year"] == 2024 and data["derived"] is True
    assert [c["code"] for c in data["criteria"]] == ["2", "1"]


def test_gap_analysis_of_a_plan_issued_before_the_results(gap_plan):
    plan, _lead = gap_plan
    plan.issued_on = dt.date(2025, 3, 1)  # 2024 results not out yet: 2023 is the latest
    plan.save()
    [analysis] = gap_analysis(plan)
    assert analysis.scores_year == 2023


def test_gap_analysis_of_a_body_uses_its_division(gap_plan, world):
    plan, lead = gap_plan
    body_plan = Plan.objects.create(
        issuer=lead, title="Kế hoạch của sở", year_from=2025, year_to=2025, issued_on=dt.date(2025, 9, 1)
    )
    body_plan.frameworks.add(world["version"])
    [analysis] = gap_analysis(body_plan)
    assert analysis.unit.name == "Tỉnh Tuyên Quang" and analysis.rows[0].tasks == 0


# --- the shipped PAPI results -------------------------------------------------------------------

PAPI_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "indices" / "papi_provincial_scores_2018_2024.csv"
)
DIMENSIONS = [
    "d1_participation",
    "d2_transparency",
    "d3_vertical_accountability",
    "d4_control_of_corruption",
    "d5_public_admin_procedures",
    "d6_public_service_delivery",
    "d7_environmental_governance",
    "d8_e_governance",
]


def file_rows():
    with PAPI_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_thanh_hoa_2023_equals_the_reference_file(db):
    rows = {r["year"]: r for r in file_rows() if r["gso_code"] == "38"}
    results = unit_results(find_unit("Thanh Hóa"), Framework.objects.get(code="PAPI"), 2023)
    assert results.total.score == D(rows["2023"]["total_unweighted"])
    assert results.total.rank == int(rows["2023"]["rank_computed"])
    assert results.total.ranked == int(rows["2023"]["n_ranked"])
    assert results.total.previous_rank == int(rows["2022"]["rank_computed"])
    for number, column in enumerate(DIMENSIONS, start=1):
        dimension = by_code(results, str(number))
        assert dimension.score == D(rows["2023"][column])
        assert dimension.change == D(rows["2023"][column]) - D(rows["2022"][column])


def test_computed_ranks_and_groups_agree_with_the_file(db):
    """Our rank and quartile rules reproduce the file's computed ranks and quartiles."""
    papi = Framework.objects.get(code="PAPI")
    groups = {
        "1_high": "best",
        "2_high_average": "high_average",
        "3_low_average": "low_average",
        "4_low": "poor",
    }
    rows = [r for r in file_rows() if r["total_unweighted"]]
    totals: dict[str, list[Decimal]] = {}
    for r in rows:
        totals.setdefault(r["year"], []).append(D(r["total_unweighted"]))
    for r in rows:
        value = D(r["total_unweighted"])
        rank = 1 + sum(1 for v in totals[r["year"]] if v > value)
        assert rank == int(r["rank_computed"]), r["province_vi"]
        assert quartile_group(rank, int(r["n_ranked"])) == groups[r["quartile_computed"]], r
    sample = unit_results(find_unit("Lạng Sơn"), papi, 2018)
    assert sample.total.group == "best" and sample.total.rank == 1


def test_merged_province_has_a_labelled_derived_series_2018_2024(db):
    results = unit_results(find_unit("Tuyên Quang"), Framework.objects.get(code="PAPI"), 2024)
    assert results.derived and results.years == list(range(2018, 2025))
    rows = {r["province_vi"]: r for r in file_rows() if r["year"] == "2024"}
    expected = (D(rows["Hà Giang"]["total_unweighted"]) + D(rows["Tuyên Quang"]["total_unweighted"])) / 2
    assert results.total.score == expected.quantize(D("0.0001"), rounding=ROUND_HALF_UP)
    old = unit_results(
        find_unit("Tuyên Quang", on=dt.date(2024, 1, 1)), Framework.objects.get(code="PAPI"), 2024
    )
    assert not old.derived and old.total.score == D(rows["Tuyên Quang"]["total_unweighted"])


def test_scores_command_json(db):
    out = io.StringIO()
    call_command("scores", "Tỉnh Thanh Hóa", "--framework", "PAPI", "--year", "2023", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["unit"] == {"name": "Tỉnh Thanh Hóa", "code": "38"}
    assert (data["framework"], data["year"], data["source"], data["derived"]) == (
        "PAPI",
        2023,
        "official",
        False,
    )
    assert data["total"] == 44.2042 and data["rank"] == 13 and data["ranked"] == 61
    assert data["previous"] == {"year": 2022, "total": 46.0154, "rank": 3}
    d1 = data["dimensions"][0]
    assert set(d1) >= {
        "code",
        "name",
        "score",
        "previous",
        "change",
        "rank",
        "national_mean",
        "best",
        "flags",
    }
    assert d1["code"] == "1" and "falling" in d1["flags"]
    assert set(d1["flags"]) <= {"falling", "rising", "lowest_group", "below_mean"}
    out = io.StringIO()
    call_command("scores", "Tuyên Quang", "--year", "2023", stdout=out)
    assert json.loads(out.getvalue())["derived"] is True


def test_scores_command_refuses_unknown_unit_and_year(db):
    with pytest.raises(CommandError) as excinfo:
        call_command("scores", "Tỉnh Không Có", "--year", "2023")
    assert excinfo.value.returncode == 2
    with pytest.raises(CommandError) as excinfo:
        call_command("scores", "Thanh Hóa", "--year", "2030")
    assert excinfo.value.returncode == 2 and "2030" in str(excinfo.value)


def test_unit_lookup_as_people_write_it(db):
    assert find_unit("Thanh Hóa").ref == "vn:province:38"
    assert find_unit("UBND tỉnh Thanh Hóa").ref == "vn:province:38"
    assert find_unit("thanh hoa").ref == "vn:province:38"
    assert find_unit("38").ref == "vn:province:38"
    assert (
        find_unit("TP. Hồ Chí Minh").ref
        == find_unit("Thành phố Hồ Chí Minh").ref
        == find_unit("TP Hồ Chí Minh").ref
    )
    assert find_unit("UBND TP. Hà Nội").ref == "vn:province:01"
    assert find_unit("Tuyên Quang").ref == "vn:province:08"
    assert find_unit("Tuyên Quang", on=dt.date(2024, 1, 1)).ref == "vn-pre2025:province:08"
    assert find_unit("xã Tuyên Quang").kind == "commune"
    with pytest.raises(UnitLookupError):
        find_unit("Hà Giang")  # no longer exists today


def test_load_scores_is_idempotent(db):
    from chiso.scores.reference import load_scores

    report = load_scores(actor=system_actor())
    assert (report.created, report.updated, report.derived_created, report.derived_updated) == (0, 0, 0, 0)
    assert report.unchanged == 441


def test_gap_analysis_command(gap_plan):
    out = io.StringIO()
    call_command("gap_analysis", "7/KH-UBND", "--issuer", "UBND tỉnh Tuyên Quang", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["plan"], data["scores_year"], data["derived"]) == ("7/KH-UBND", 2024, True)
    first = data["criteria"][0]
    assert {k: first[k] for k in ("framework", "code", "tasks", "progress_pct")} == {
        "framework": "THU",
        "code": "2",
        "tasks": 1,
        "progress_pct": 50.0,
    }
    assert first["flags"] == ["falling", "lowest_group", "below_mean"] and first["change"] == -1.0
    with pytest.raises(CommandError) as excinfo:
        call_command("gap_analysis", "99/KH-UBND", "--issuer", "UBND tỉnh Tuyên Quang")
    assert excinfo.value.returncode == 2

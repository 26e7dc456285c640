"""The three sample plans, in every format given, against the results written by hand in
tests/data/import/<sample>.expected.json.

Targets (the issue's): ≥ 98% of tasks found with the right criterion code, ≥ 95% with the right
lead units, every header field right. Criteria are matched against the catalogue the frameworks
app loads, and lead units against the unit tree once the issuer's bodies exist.
"""

import copy
import json
from functools import cache
from pathlib import Path

import pytest

from chiso.documents.evaluation import score
from chiso.documents.parser import parse_document, resolve_plan
from tests.conftest import SAMPLES

EXPECTED = Path(__file__).parent / "data" / "import"
CASES = [
    (path.name.removesuffix(".expected.json"), fmt)
    for path in sorted(EXPECTED.glob("*.expected.json"))
    for fmt in json.loads(path.read_text(encoding="utf-8"))["formats"]
]

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"the sample plans are not in {SAMPLES}")


def expected(name: str) -> dict:
    return json.loads((EXPECTED / f"{name}.expected.json").read_text(encoding="utf-8"))


@cache
def _parsed(name: str, fmt: str):
    return parse_document(SAMPLES / f"{name}.{fmt}", resolve=False)


def parsed(name: str, fmt: str):
    """The parse of a sample (read once per test session), resolved against the test database."""
    plan = copy.deepcopy(_parsed(name, fmt))
    resolve_plan(plan)
    return plan


def test_every_sample_format_is_covered():
    assert ("vi-xuyen-2021-plan", "pdf") in CASES
    assert ("nguyen-trai-2024-plan", "docx") in CASES
    assert ("moc-chau-2022-plan", "md") in CASES
    assert len(CASES) == 7


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_sample_meets_the_targets(name, fmt):
    want = expected(name)
    result = score(parsed(name, fmt).as_dict(), want)
    assert result.header_wrong == [], result.header_wrong
    assert result.header_right == result.header_total == 11
    assert result.rate(result.found) >= 0.98, result.task_errors
    assert result.rate(result.right_code) >= 0.98, result.task_errors
    assert result.rate(result.right_leads) >= 0.95, result.task_errors
    # The parse finds no task the reader of the plan would not count.
    assert result.parsed == result.expected
    # Catalogue criteria: the one a reader of the plan means (None where the plan's own).
    assert result.rate(result.right_canonical) >= 0.95


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_sample_issuer_is_found_in_the_unit_tree(name, fmt):
    plan = parsed(name, fmt)
    assert plan.issuer_unit is not None
    assert plan.issuer_unit["ref"] == expected(name)["issuer_unit_ref"]


@pytest.mark.django_db
def test_lead_units_match_the_issuers_bodies(vi_xuyen_old):
    from chiso.units.reference import create_bodies

    create_bodies(vi_xuyen_old, "district_pre2025")
    plan = parsed("vi-xuyen-2021-plan", "pdf")
    matches = {m.text: m for task in plan.tasks for m in task.lead_resolved + task.partner_resolved}
    assert matches["Phòng Tài nguyên & MT"].unit_name == "Phòng Tài nguyên và Môi trường"
    assert matches["Phòng Văn hóa thông tin"].unit_name == "Phòng Văn hóa và Thông tin"
    assert matches["Phòng Văn hóa – TT"].unit_name == "Phòng Văn hóa và Thông tin"
    assert matches["Phòng Lao động-Thương binh & XH"].unit_name == "Phòng Lao động - Thương binh và Xã hội"
    assert matches["Phòng Tài chính – KH"].unit_name == "Phòng Tài chính - Kế hoạch"
    assert matches["Phòng Giáo dục & ĐT"].unit_name == "Phòng Giáo dục và Đào tạo"
    assert matches["Phòng Nông nghiệp & PTNT"].unit_name == "Phòng Nông nghiệp và Phát triển nông thôn"
    assert matches["Văn phòng HU-HĐND-UBND huyện"].unit_name == "Văn phòng HĐND và UBND"
    assert matches["Tòa án nhân dân cấp huyện"].unit_name == "Tòa án nhân dân huyện"
    assert matches["UBMT TQ huyện"].unit_name == "Ủy ban Mặt trận Tổ quốc Việt Nam huyện"
    for unit in matches.values():
        if unit.status == "matched":
            assert unit.unit_ref is None or not unit.unit_ref.startswith("vn:")  # bodies, not a province
    # What the tree does not hold is flagged, not guessed; groups stay groups.
    assert matches["Bảo hiểm xã hội huyện"].status == "unmatched"
    assert matches["Điện lực huyện"].status == "unmatched"
    assert matches["UBND các xã, thị trấn"].status == "group"
    leads = [m for task in plan.tasks for m in task.lead_resolved]
    assert sum(m.status == "matched" for m in leads) / len(leads) >= 0.95
    assert any("Bảo hiểm xã hội huyện" in warning for warning in plan.warnings)


@pytest.mark.django_db
def test_renumbered_commune_plan_maps_to_papi_by_name():
    """Nguyễn Trãi inserts its own dimension 2 and shifts PAPI 2–4 to 3–5."""
    plan = parsed("nguyen-trai-2024-plan", "md")
    by_code = {}
    for task in plan.tasks:
        by_code.setdefault(task.criterion_code, task)
    assert by_code["3.a"].canonical_criterion.code == "2.1"
    assert by_code["5.d"].canonical_criterion.code == "4.4"
    assert by_code["2.a"].canonical_criterion is None  # the commune's own dimension
    assert by_code["2.a"].dimension_name == "Việc thực hiện dân chủ trong hoạt động của cơ quan, đơn vị"


@pytest.mark.django_db
def test_sample_deadlines_and_references():
    moc = parsed("moc-chau-2022-plan", "md").as_dict()["plan"]
    whats = {(d["what"], d.get("period"), d["due"]) for d in moc["deadlines"]}
    assert ("lower_plan", None, "2022-02-20") in whats
    assert ("report", "half_year", "2022-06-05") in whats
    assert ("report", "year", "2022-12-05") in whats
    windows = {
        (d.get("period"), d.get("start"), d.get("end"))
        for d in moc["deadlines"]
        if d["what"] == "data_cutoff"
    }
    assert windows == {("half_year", "2021-12-01", "2022-05-31"), ("year", "2021-12-01", "2022-11-30")}
    nt = parsed("nguyen-trai-2024-plan", "pdf").as_dict()["plan"]
    lower = [d for d in nt["deadlines"] if d["what"] == "lower_plan"]
    assert lower[0]["due"] is None
    assert lower[0]["working_days"] == 15
    assert nt["implements"][0]["issuer"] == "UBND huyện Ân Thi"


@pytest.mark.django_db
def test_sample_task_details():
    vx = parsed("vi-xuyen-2021-plan", "docx").as_dict()["tasks"]
    first = vx[0]
    assert first["framework"] == "PAPI"
    assert first["section"] == "1. Tham gia của người dân ở cấp cơ sở"
    assert first["target"] == "100% các thôn, tổ dân phố"
    assert first["partner_units"] == ["UBND các xã, thị trấn"]
    assert first["timeframe"] == {
        "text": "Thường xuyên",
        "kind": "continuous",
        "start": None,
        "end": None,
        "due": None,
    }
    census = next(task for task in vx if task["description"].startswith("Tổ chức cuộc bầu cử"))
    assert census["timeframe"]["due"] == "2021-05-23"
    assets = next(task for task in vx if task["description"].startswith("Kê khai tài sản"))
    assert assets["timeframe"]["kind"] == "yearly"
    assert assets["timeframe"]["due"] == "2021-12-31"
    water = next(task for task in vx if task["description"].startswith("Cung cấp nước sạch"))
    assert water["target"].startswith("100% người dân thuộc trung tâm huyện")  # the slid row put back
    assert water["partner_units"] == [
        "Trung tâm Dịch vụ cấp thoát nước và môi trường",
        "UBND các xã, thị trấn",
    ]
    nt = parsed("nguyen-trai-2024-plan", "pdf").as_dict()["tasks"]
    duty = next(task for task in nt if task["criterion_code"] == "4.a")
    assert duty["dimension"]["name"] == "Trách nhiệm giải trình với người dân"  # cut by a page break
    assert duty["criterion_name"] == "Mức độ và hiệu quả trong tiếp xúc với chính quyền"
    assert duty["lead_units"] == ["VP UBND xã"]
    assert duty["timeframe"]["kind"] == "continuous"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "found", "code", "leads"),
    [("vi-xuyen-2021-plan", 0.95, 0.95, 0.9), ("nguyen-trai-2024-plan", 0.75, 0.3, 0.7)],
)
def test_tables_copied_one_cell_per_line(name, found, code, leads):
    """The .docx copied as text, each table cell on its own line: the grid is rebuilt from what each
    line reads as (a row number, units, a timeframe …). Not a target of the issue; the floor keeps
    what is measured (see bench.import_bench)."""
    from bench.import_bench import flattened

    plan = parse_document(flattened(SAMPLES / f"{name}.docx"), f"{name}.txt", resolve=False)
    result = score(plan.as_dict(), expected(name))
    assert result.header_wrong == []
    assert result.rate(result.found) >= found
    assert result.rate(result.right_code) >= code
    assert result.rate(result.right_leads) >= leads

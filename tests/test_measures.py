"""Measures: the standard measures load once; a task's measurable target finds its measure on the
samples' real wording and on generated variations; evaluation (each operator, no data, the latest
observation in the window; a round's bulk evaluation equals the one-pair rule, in flat queries);
report values pre-filled and corrected with a note; monitoring and consolidation show the
evaluation; imports of observations refuse exactly the bad rows and save nothing; the API keeps to
the user's units."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.core.actors import system_actor
from chiso.core.models import AuditEntry
from chiso.core.text import fold
from chiso.measures.demo import load_demo_observations
from chiso.measures.evaluation import MET, NO_DATA, NOT_MET, evaluate, evaluate_pairs
from chiso.measures.imports import import_file, import_observations
from chiso.measures.matching import measure_for_task
from chiso.measures.models import Measure, Observation
from chiso.measures.reference import load_measures
from chiso.plans.models import Task
from chiso.plans.targets import parse_target
from chiso.reporting import services
from chiso.reporting.consolidation import consolidate
from chiso.reporting.export import export_bytes
from chiso.reporting.monitoring import round_monitoring
from chiso.reporting.synthetic import build_synthetic
from chiso.units.models import Role
from tests.conftest import ROOT, SAMPLES
from tests.test_consolidation import docx_text
from tests.test_reporting_pages import MONITORING_QUERIES
from tests.test_reporting_world import at, build_world, quick_user

pytestmark = pytest.mark.django_db
REQUIRED = [
    "on_time_dossiers",
    "late_dossier_apologies",
    "portal_feedback_answered_24h",
    "portal_feedback_settled_7d",
    "satisfaction_rate",
    "online_service_use",
    "online_dossiers_full",
]


@pytest.fixture
def measures(db) -> dict[str, Measure]:
    load_measures(system_actor())
    return {m.code: m for m in Measure.objects.all()}


def task_for(text: str) -> Task:
    """An unsaved task whose measurable form is what `parse_target` reads in `text`."""
    target = parse_target(text)
    assert target is not None, text
    return Task(
        text="Nhiệm vụ",
        target_text=text,
        target_metric=target.metric,
        target_op=target.op,
        target_value=target.value,
        target_unit=target.unit,
    )


# ---------------------------------------------------------------------------------------------
# Reference data


def test_load_measures_is_idempotent_and_audited(measures):
    assert set(REQUIRED) <= set(measures)
    assert all(m.unit_label == "%" and m.min_value == 0 and m.max_value == 100 for m in measures.values())
    entries = AuditEntry.objects.filter(note="load_measures")
    assert entries.count() == len(measures)
    assert {e.actor.username for e in entries} == {"chiso-system"}
    before = AuditEntry.objects.count()
    report = load_measures(system_actor())
    assert (report.created, report.updated, report.unchanged) == ([], [], len(measures))
    assert AuditEntry.objects.count() == before
    out = io.StringIO()
    call_command("load_measures", stdout=out)
    assert "0 tạo mới, 0 cập nhật" in out.getvalue()


def test_every_quoted_source_is_in_the_samples_or_the_domain_rules(measures):
    import json

    data = json.loads((ROOT / "data" / "measures" / "measures.json").read_text(encoding="utf-8"))
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.md")]
    texts.append((SAMPLES.parent / "DOMAIN.md").read_text(encoding="utf-8"))
    corpus = " ".join(" ".join(t.split()) for t in texts)
    for item in data["measures"]:
        quotes = re.findall(r"“([^”]+)”", item["source"])
        if item["code"] in REQUIRED:
            assert quotes, item["code"]
        for quote in quotes:
            assert " ".join(quote.split()) in corpus, (item["code"], quote)


# ---------------------------------------------------------------------------------------------
# Matching a task to a measure

SAMPLE_TARGETS = [
    (
        "Có ít nhất 95% kết quả giải quyết đúng hạn; có văn bản xin lỗi đối với 100% hồ sơ có kết quả giải quyết trễ hạn",
        "on_time_dossiers",
        ">=",
        95,
    ),
    ("100% kết quả giải quyết đúng hạn", "on_time_dossiers", ">=", 100),
    (
        "có văn bản xin lỗi đối với 100% hồ sơ có kết quả giải quyết trễ hạn",
        "late_dossier_apologies",
        ">=",
        100,
    ),
    (
        "100% phản ánh, kiến nghị qua Trang thông tin điện tử được giải quyết",
        "portal_feedback_settled_7d",
        ">=",
        100,
    ),
    ("phấn đấu 100% TTHC cung cấp dịch vụ công trực tuyến toàn trình", "online_dossiers_full", ">=", 100),
    (
        "100% số lượng đơn thư khiếu nại, tố cáo được giải quyết phù hợp với quy định của nhà nước",
        "complaints_settled",
        ">=",
        100,
    ),
    ("Tỷ lệ cử tri đi bầu đạt trên 99,5%", None, ">", Decimal("99.5")),
    ("100% các thôn, tổ dân phố", None, ">=", 100),
    ("15% kết quả giải quyết TTHC trên từng lĩnh vực", None, ">=", 15),
    ("80% dân số trên địa bàn huyện được sử dụng dịch vụ Internet", None, ">=", 80),
    ("Tối thiểu 30% cơ quan chuyên môn cấp huyện và đơn vị hành chính cấp xã", None, ">=", 30),
    ("100% kiến nghị của người dân được giải trình", None, ">=", 100),
]


@pytest.mark.parametrize(("text", "code", "op", "value"), SAMPLE_TARGETS)
def test_real_sample_targets_find_their_measure(measures, text, code, op, value):
    corpus = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in SAMPLES.glob("*.md"))
    assert text in corpus  # the wording is the samples' own
    task = task_for(text)
    assert (task.target_op, task.target_value) == (op, Decimal(value))
    found = measure_for_task(task, list(measures.values()))
    assert (found.code if found else None) == code


def test_the_briefs_wording_and_a_code_as_metric(measures):
    everything = list(measures.values())
    assert (
        measure_for_task(task_for("100% hồ sơ trễ hạn có văn bản xin lỗi"), everything).code
        == "late_dossier_apologies"
    )
    coded = Task(target_metric="satisfaction_rate", target_op=">=", target_value=Decimal(90), target_unit="%")
    assert measure_for_task(coded, everything).code == "satisfaction_rate"
    # Another unit than the measure's: never matched ("7 ngày" is a duration, not a share).
    days = task_for("Giải quyết phản ánh, kiến nghị được giải quyết trong vòng 7 ngày")
    assert days.target_unit == "ngày"
    assert measure_for_task(days, everything) is None
    # Not measurable: nothing to match.
    assert measure_for_task(Task(target_text="Theo kế hoạch của huyện"), everything) is None


def test_a_tie_on_the_longest_keyword_matches_nothing():
    first = Measure(code="a", name="Một", unit_label="%", keywords="chỉ số thử nghiệm")
    second = Measure(code="b", name="Hai", unit_label="%", keywords="thử nghiệm chỉ số")
    longer = Measure(code="c", name="Ba", unit_label="%", keywords="chỉ số thử nghiệm chỉ số")
    task = task_for("Đạt 90% chỉ số thử nghiệm chỉ số")
    assert measure_for_task(task, [first, second]) is None
    assert measure_for_task(task, [first, second, longer]) is longer


PHRASINGS = {
    "on_time_dossiers": [
        "hồ sơ giải quyết đúng hạn",
        "kết quả giải quyết đúng hạn",
        "hồ sơ được trả kết quả đúng hẹn",
    ],
    "late_dossier_apologies": ["hồ sơ trễ hạn có văn bản xin lỗi", "hồ sơ quá hạn được gửi thư xin lỗi"],
    "portal_feedback_answered_24h": [
        "phản ánh trên cổng được phản hồi trong 24 giờ",
        "kiến nghị được trả lời trong 24h",
    ],
    "portal_feedback_settled_7d": [
        "phản ánh, kiến nghị được giải quyết",
        "kiến nghị được giải quyết trong 7 ngày",
    ],
    "satisfaction_rate": ["người dân hài lòng", "mức độ hài lòng của tổ chức, cá nhân"],
    "online_service_use": ["hồ sơ nộp trực tuyến", "hồ sơ sử dụng dịch vụ công trực tuyến"],
    "online_dossiers_full": [
        "hồ sơ xử lý trực tuyến toàn trình",
        "thủ tục cung cấp dịch vụ công trực tuyến toàn trình",
    ],
}
QUALIFIERS = [
    ("Có ít nhất", ">="),
    ("Phấn đấu đạt", ">="),
    ("Tối thiểu", ">="),
    ("Đạt trên", ">"),
    ("Đảm bảo", ">="),
    ("", ">="),
]
TAILS = ["", " trong năm 2024", " tại Bộ phận Một cửa cấp xã", " theo quy định", " (theo hệ thống)"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    code=st.sampled_from(sorted(PHRASINGS)),
    pick=st.integers(0, 5),
    qualifier=st.sampled_from(QUALIFIERS),
    number=st.integers(1, 100),
    decimals=st.sampled_from(["", ",5", ",25"]),
    filler=st.sampled_from(["", "số ", "các ", "tỷ lệ "]),
    tail=st.sampled_from(TAILS),
    shape=st.sampled_from(["as is", "upper", "no accents", "spaces"]),
)
def test_generated_wordings_find_the_same_measure(
    measures, code, pick, qualifier, number, decimals, filler, tail, shape
):
    phrasing = PHRASINGS[code][pick % len(PHRASINGS[code])]
    words, op = qualifier
    text = f"{words} {number}{decimals}% {filler}{phrasing}{tail}".strip()
    if shape == "upper":
        text = text.upper()
    elif shape == "no accents":
        text = fold(text)
    elif shape == "spaces":
        text = text.replace(", ", " , ").replace(" ", "  ")
    task = task_for(text)
    assert task.target_op == op
    assert task.target_value == Decimal(f"{number}{decimals.replace(',', '.')}")
    found = measure_for_task(task, list(measures.values()))
    assert found is not None and found.code == code, text


# ---------------------------------------------------------------------------------------------
# Evaluation


def observe(measure, unit, start: str, end: str, value: str) -> Observation:
    d = [dt.date.fromisoformat(x) for x in (start, end)]
    return Observation.objects.create(
        measure=measure, unit=unit, period_start=d[0], period_end=d[1], value=Decimal(value)
    )


@pytest.mark.parametrize(
    ("op", "target", "value", "state"),
    [
        (">=", "95", "95", MET),
        (">=", "95", "94.99", NOT_MET),
        (">", "95", "95", NOT_MET),
        (">", "95", "95.01", MET),
        ("=", "100", "100", MET),
        ("=", "100", "99.9", NOT_MET),
        ("<=", "5", "5", MET),
        ("<=", "5", "5.1", NOT_MET),
        ("<", "5", "4.9", MET),
        ("<", "5", "5", NOT_MET),
    ],
)
def test_each_operator(measures, commune, op, target, value, state):
    observe(measures["on_time_dossiers"], commune, "2026-01-01", "2026-03-31", value)
    task = Task(target_metric="on_time_dossiers", target_op=op, target_value=Decimal(target), target_unit="%")
    result = evaluate(task, commune, dt.date(2026, 1, 1), dt.date(2026, 6, 30), list(measures.values()))
    assert (result.state, result.value, result.measure.code) == (state, Decimal(value), "on_time_dossiers")


def test_no_data_and_the_latest_observation_in_the_window(measures, commune, other_commune):
    on_time = measures["on_time_dossiers"]
    everything = list(measures.values())
    task = task_for("Có ít nhất 95% kết quả giải quyết đúng hạn")
    window = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert evaluate(task, commune, *window, everything).state == NO_DATA
    observe(on_time, commune, "2025-10-01", "2025-12-31", "99")  # ends before the window
    observe(on_time, commune, "2026-07-01", "2026-09-30", "99")  # ends after it
    observe(on_time, other_commune, "2026-01-01", "2026-03-31", "99")  # another unit
    assert evaluate(task, commune, *window, everything).state == NO_DATA
    q1 = observe(on_time, commune, "2026-01-01", "2026-03-31", "96.2")
    result = evaluate(task, commune, *window, everything)
    assert (result.state, result.value, result.observation, result.period_label) == (
        MET,
        Decimal("96.2"),
        q1,
        "01/01–31/03/2026",
    )
    observe(on_time, commune, "2026-04-01", "2026-06-30", "93")  # Q2: later end wins
    half = observe(on_time, commune, "2026-01-01", "2026-06-30", "94.5")  # same end, longer period wins
    result = evaluate(task, commune, *window, everything)
    assert (result.state, result.value, result.observation) == (NOT_MET, Decimal("94.5"), half)
    # A task naming no measure is not evaluated at all.
    assert not evaluate(task_for("100% các thôn, tổ dân phố"), commune, *window, everything).evaluated


@pytest.fixture
def world(measures):
    return build_world()


def test_bulk_evaluation_equals_per_pair_evaluation(world, measures):
    rnd = world.rounds[0]
    on_time = measures["on_time_dossiers"]
    values = {"Phòng Một": "96", "Phòng Hai": "90", "Xã Một": "95", "Xã Hai": "99.5"}
    for name, value in values.items():
        observe(on_time, world.unit(name), "2022-01-01", "2022-03-31", value)
    observe(on_time, world.unit("Xã Hai"), "2021-10-01", "2021-12-31", "50")  # outside round 1
    tasks = list(world.plan.tasks.all())
    units = world.departments + world.communes
    pairs = [(u.pk, t.pk) for u in units for t in tasks]
    bulk = evaluate_pairs(tasks, pairs, rnd.period_start, rnd.period_end)
    measured = [t for t in tasks if t.number.endswith(".1")]
    assert {t for _u, t in bulk} == {t.pk for t in measured}
    for (unit_id, task_id), result in bulk.items():
        task = next(t for t in tasks if t.pk == task_id)
        one = evaluate(task, unit_id, rnd.period_start, rnd.period_end)
        assert (one.state, one.value, one.observation) == (result.state, result.value, result.observation)
    states = {u.name: bulk[(u.pk, world.tasks["1.1"].pk)].state for u in units}
    assert states["Phòng Một"] == MET and states["Phòng Hai"] == NOT_MET
    assert states["Xã Một"] == MET and states["Xã Hai"] == MET and states["Xã Ba"] == NO_DATA


@pytest.mark.parametrize(("communes", "departments", "tasks"), [(4, 2, 10), (30, 8, 60)])
def test_monitoring_stays_flat_with_measures_and_observations(
    measures, django_assert_num_queries, communes, departments, tasks
):
    data = build_synthetic(communes=communes, departments=departments, tasks=tasks, tag=f"m{communes}")
    result = load_demo_observations(data.units, data.rounds, system_actor())
    assert result.ok and len(result.created) == len(data.units) * len(data.rounds) * len(measures)
    user = quick_user(f"mcoord{communes}", data.province, Role.COORDINATOR)
    client = Client()
    client.force_login(user)
    url = reverse("reporting-round", args=[data.rounds[0].pk])
    client.get(url)
    with django_assert_num_queries(MONITORING_QUERIES):
        page = client.get(url)
    assert page.status_code == 200 and 'data-testid="measured"' in page.content.decode()
    # The demo loader is idempotent.
    again = load_demo_observations(data.units, data.rounds, system_actor())
    assert (len(again.created), again.unchanged) == (0, len(result.created))


# ---------------------------------------------------------------------------------------------
# Reporting: pre-fill, correction, monitoring, consolidation


def test_report_prefilled_then_corrected_with_a_note(world, measures):
    rnd = world.rounds[0]
    unit = world.unit("Phòng Một")
    officer = world.officer("Phòng Một")
    obs = observe(measures["on_time_dossiers"], unit, "2022-01-01", "2022-03-31", "96.2")
    obs.source = "Hệ thống một cửa điện tử"
    obs.save()
    report = services.open_report(officer, rnd, unit, now=at("20/05/2022"))
    progress = {p.task.number: p for p in report.progress.select_related("task")}
    p11 = progress["1.1"]
    assert (p11.achieved_value, p11.measured_value, p11.observation_id) == (
        Decimal("96.2"),
        Decimal("96.2"),
        obs.pk,
    )
    assert progress["1.3"].achieved_value is None  # not measurable
    assert progress["5.1"].achieved_value == Decimal("96.2")  # same measure, same unit
    assert AuditEntry.objects.filter(note="Điền sẵn số liệu từ hệ thống", object_id=str(report.pk)).exists()
    # The page shows where the figure comes from.
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("reporting-report", args=[report.pk])).content.decode()
    assert "Số liệu từ hệ thống: 96,2% (01/01–31/03/2022; Hệ thống một cửa điện tử)" in page
    # A different value without a note is refused; with a note it is kept, the system figure too.
    t11 = world.tasks["1.1"].pk
    with pytest.raises(Exception) as refused:
        services.save_report(
            officer,
            report,
            {"version": report.version, "tasks": {t11: {"achieved_value": "97,5"}}},
            now=at("21/05/2022"),
        )
    assert "cần ghi chú lý do sửa số liệu" in str(refused.value)
    report.refresh_from_db()
    saved = services.save_report(
        officer,
        report,
        {
            "version": report.version,
            "tasks": {t11: {"achieved_value": "97,5", "achieved_note": "Bổ sung 12 hồ sơ liên thông"}},
        },
        now=at("21/05/2022"),
    )
    p11 = saved.progress.get(task_id=t11)
    assert (p11.achieved_value, p11.measured_value, p11.achieved_note) == (
        Decimal("97.5"),
        Decimal("96.2"),
        "Bổ sung 12 hồ sơ liên thông",
    )
    # Opening the page again never overwrites what the officer entered, nor refills a cleared value.
    saved = services.save_report(
        officer,
        saved,
        {"version": saved.version, "tasks": {t11: {"achieved_value": ""}}},
        now=at("21/05/2022"),
    )
    client.get(reverse("reporting-report", args=[report.pk]))
    assert saved.progress.get(task_id=t11).achieved_value is None


def test_monitoring_and_consolidation_show_the_evaluation(world, measures):
    rnd = world.rounds[0]
    on_time = measures["on_time_dossiers"]
    observe(on_time, world.unit("Phòng Một"), "2022-01-01", "2022-03-31", "96")
    observe(on_time, world.unit("Xã Một"), "2022-01-01", "2022-03-31", "90")
    m = round_monitoring(rnd, today=dt.date(2022, 6, 20))
    counts = dict((t.number, c) for t, c in m.measured_tasks)
    assert set(counts) == {f"{d}.1" for d in range(1, 9)}
    # Task 1.1: Phòng Một leads, the 8 communes take part (Xã Tám exists until 30/6, after the due date).
    c11 = counts["1.1"]
    assert (c11.met, c11.not_met, c11.no_data) == (1, 1, 7)
    assert c11.label == "1/2 đơn vị đạt; 7 chưa có số liệu"
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    page = coordinator.get(reverse("reporting-round", args=[rnd.pk])).content.decode()
    assert 'data-testid="measured"' in page
    unit_page = coordinator.get(
        reverse("reporting-round-unit", args=[rnd.pk, world.unit("Xã Một").pk])
    ).content.decode()
    assert 'data-evaluation="not_met"' in unit_page and "90% (01/01–31/03/2022)" in unit_page
    result = consolidate(rnd, dt.date(2022, 6, 20))
    line = next(t for t in result.tasks if t.task.number == "1.1")
    assert line.evaluation.label == "1/2 đơn vị đạt; 7 chưa có số liệu"
    assert "theo số liệu hệ thống: 1/2 đơn vị đạt; 7 chưa có số liệu" in docx_text(
        export_bytes(result, "docx")
    )
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export_bytes(result, "xlsx")))
    cells = [c for row in book["Theo nhiệm vụ"].iter_rows(values_only=True) for c in row]
    assert "1/2 đơn vị đạt; 7 chưa có số liệu" in cells
    page = coordinator.get(reverse("reporting-consolidation", args=[rnd.pk])).content.decode()
    assert "1/2 đơn vị đạt; 7 chưa có số liệu" in page
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.coordinator)
    measured = api.get(f"/api/reporting/rounds/{rnd.pk}/monitoring/").json()["measured"]
    first = next(x for x in measured if x["number"] == "1.1")
    assert (first["measure"], first["met"], first["not_met"], first["no_data"]) == (
        "on_time_dossiers",
        1,
        1,
        7,
    )


# ---------------------------------------------------------------------------------------------
# Import of observations


def csv_bytes(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


HEADER = "Mã đơn vị;Tên đơn vị;Mã số liệu;Kỳ số liệu;Từ ngày;Đến ngày;Giá trị;Nguồn;Ghi chú"


def test_import_a_valid_csv_and_xlsx(measures, commune, other_commune, officer):
    code = commune.code
    data = csv_bytes(
        [
            "BÁO CÁO KẾT QUẢ GIẢI QUYẾT TTHC",  # a title above the header
            HEADER,
            f"{code};;on_time_dossiers;Quý I/2026;;;96,2;Hệ thống một cửa;",
            f";{commune.name};Tỷ lệ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính;6 tháng đầu năm 2026;;;91.5;;",
            f"{code};;late_dossier_apologies;;01/01/2026;31/03/2026;100 %;;",
        ]
    )
    result = import_file("so-lieu.csv", data, None, system_actor())
    assert result.ok, [e.message() for e in result.errors]
    got = {
        (o.measure.code, o.period_start, o.period_end, o.value)
        for o in Observation.objects.filter(unit=commune)
    }
    assert got == {
        ("on_time_dossiers", dt.date(2026, 1, 1), dt.date(2026, 3, 31), Decimal("96.2")),
        ("satisfaction_rate", dt.date(2026, 1, 1), dt.date(2026, 6, 30), Decimal("91.5")),
        ("late_dossier_apologies", dt.date(2026, 1, 1), dt.date(2026, 3, 31), Decimal("100")),
    }
    assert AuditEntry.objects.filter(note="import_measures").count() == 3
    # The same file again: nothing new, nothing changed.
    again = import_file("so-lieu.csv", data, None, system_actor())
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 3)
    # .xlsx, a percentage cell (shows 88,5%, stores 0.885), a date cell; read by the officer's scope.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Đơn vị", "Số liệu", "Từ ngày", "Đến ngày", "Giá trị"])
    sheet.append(
        [commune.name, "online_service_use", dt.datetime(2026, 1, 1), dt.datetime(2026, 3, 31), 0.885]
    )
    sheet["E2"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    result = import_file("one-stop.xlsx", out.getvalue(), officer, officer)
    assert result.ok, [e.message() for e in result.errors]
    assert Observation.objects.get(unit=commune, measure__code="online_service_use").value == Decimal("88.5")


def test_import_a_one_stop_export_with_its_own_column_names(measures, commune):
    """Comma-separated with a title, a row number, "Đơn vị tính" (not the unit), a value column
    named in a longer phrase, a numbering-only row and a number cell that is not grouped."""
    data = "\n".join(
        [
            "KẾT QUẢ GIẢI QUYẾT HỒ SƠ, QUÝ I/2026",
            "STT,Đơn vị,Chỉ tiêu,Đơn vị tính,Kỳ báo cáo,Tỷ lệ hồ sơ đúng hạn (%)",
            f'1,{commune.code},on_time_dossiers,%,Quý I/2026,"96,2"',
            "2,,,,,",
        ]
    ).encode("utf-8")
    result = import_file("mot-cua.csv", data, None, system_actor())
    assert result.ok and result.rows == 1, [e.message() for e in result.errors]
    assert Observation.objects.get(unit=commune).value == Decimal("96.2")
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Mã đơn vị", "Mã số liệu", "Kỳ số liệu", "Giá trị"])
    book.active.append([commune.code, "satisfaction_rate", "Quý I/2026", 12.345])  # not 12345
    out = io.BytesIO()
    book.save(out)
    assert import_file("so.xlsx", out.getvalue(), None, system_actor()).ok
    assert Observation.objects.get(unit=commune, measure__code="satisfaction_rate").value == Decimal("12.345")


def test_each_kind_of_bad_row_is_refused_and_nothing_is_saved(measures, commune, ha_giang_old):
    observe(measures["on_time_dossiers"], commune, "2025-10-01", "2025-12-31", "97")
    code = commune.code
    rows = [
        HEADER,
        f"{code};;on_time_dossiers;Quý I/2026;;;96,2;;",  # 2: valid
        ";Xã Không Có Thật;on_time_dossiers;Quý I/2026;;;96;;",  # 3: unit unknown
        f"{ha_giang_old.code};;on_time_dossiers;Quý I/2026;;;96;;",  # 4: unit not valid in 2026
        f"{code};;so_lieu_la;Quý I/2026;;;96;;",  # 5: measure unknown
        f"{code};;satisfaction_rate;Quý I/2026;;;chín mươi;;",  # 6: not a number
        f"{code};;satisfaction_rate;Quý II/2026;;;120;;",  # 7: above the maximum
        f"{code};;online_service_use;;31/03/2026;01/01/2026;50;;",  # 8: end before start
        f"{code};;on_time_dossiers;;01/01/2026;31/03/2026;95;;",  # 9: duplicate of row 2
        f"{code};;on_time_dossiers;Quý IV/2025;;;98;;",  # 10: existing observation, other value
        f"{code};;online_service_use;Mùa xuân;;;50;;",  # 11: period unreadable
    ]
    before = (Observation.objects.count(), AuditEntry.objects.count())
    result = import_file("bad.csv", csv_bytes(rows), None, system_actor())
    assert [e.number for e in result.errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    messages = {e.number: e.message() for e in result.errors}
    assert "không có trong danh mục đơn vị" in messages[3]
    assert "không còn hiệu lực vào ngày 31/03/2026" in messages[4]
    assert "“so_lieu_la” không có trong danh mục số liệu" in messages[5]
    assert "“chín mươi” không phải là số" in messages[6]
    assert "nằm ngoài khoảng 0–100" in messages[7]
    assert "trước ngày bắt đầu" in messages[8]
    assert "Trùng với dòng 2" in messages[9]
    assert "Đã có giá trị 97" in messages[10] and "--replace" in messages[10]
    assert "Không đọc được kỳ số liệu “Mùa xuân”" in messages[11]
    assert all(m.startswith(f"Dòng {n}: ") for n, m in messages.items())
    assert (Observation.objects.count(), AuditEntry.objects.count()) == before
    # --replace: the different existing value is replaced (audited), once the other rows are gone.
    replaced = import_file(
        "fix.csv", csv_bytes([HEADER, rows[1], rows[9]]), None, system_actor(), replace=True
    )
    assert replaced.ok and len(replaced.updated) == 1
    assert Observation.objects.get(unit=commune, period_end=dt.date(2025, 12, 31)).value == Decimal("98")


def test_import_command_exits_2_with_the_rejected_rows(measures, commune, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, f"{commune.code};;on_time_dossiers;Quý I/2026;;;150;;"]))
    with pytest.raises(CommandError) as exc:
        call_command("import_measures", str(bad))
    assert exc.value.returncode == 2
    assert "Dòng 2:" in capsys.readouterr().err and not Observation.objects.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([HEADER, f"{commune.code};;on_time_dossiers;Quý I/2026;;;95;;"]))
    out = io.StringIO()
    call_command("import_measures", str(good), stdout=out)
    assert "1 thêm mới" in out.getvalue()
    other = tmp_path / "bad.txt"
    other.write_text("x")
    with pytest.raises(CommandError) as exc:
        call_command("import_measures", str(other))
    assert exc.value.returncode == 2


def test_the_officer_cannot_import_for_another_unit(measures, officer, outsider, commune, other_commune):
    result = import_observations(
        [
            (
                1,
                {
                    "unit": other_commune.code,
                    "measure": "on_time_dossiers",
                    "period": "Quý I/2026",
                    "value": "96",
                },
            )
        ],
        officer,
        officer,
    )
    assert f"Bạn không có quyền nhập số liệu cho đơn vị “{other_commune.name}”" in result.errors[0].message()


# ---------------------------------------------------------------------------------------------
# Page and API


def test_page_lists_uploads_and_refuses_with_reasons(measures, officer, commune):
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("measures-home"))
    assert page.status_code == 200 and 'data-measure="on_time_dossiers"' in page.content.decode()
    template = client.get(reverse("measures-template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    # The template itself, filled with the officer's commune, imports.
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        if row[1].value == "Xã Vị Xuyên":
            row[1].value = commune.name
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    filled.name = "mau.xlsx"
    response = client.post(reverse("measures-home"), {"file": filled})
    assert response.status_code == 302, re.findall(
        r"<li>[^<]*</li>|invalid-feedback[^<]*<", response.content.decode()
    )
    assert Observation.objects.filter(unit=commune).count() == 2
    bad = io.BytesIO(csv_bytes([HEADER, f"{commune.code};;on_time_dossiers;Quý III/2026;;;abc;;"]))
    bad.name = "bad.csv"
    response = client.post(reverse("measures-home"), {"file": bad})
    assert response.status_code == 400
    assert "Dòng 2: Giá trị “abc” không phải là số" in response.content.decode()


def test_api_lists_and_posts_within_the_users_units(measures, officer, outsider, commune):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)
    assert {m["code"] for m in api.get("/api/measures/?limit=100").json()["results"]} >= set(REQUIRED)
    item = {"unit": commune.pk, "measure": "on_time_dossiers", "period": "Quý I/2026", "value": "96,2"}
    response = api.post(
        "/api/observations/", [item, {**item, "measure": "satisfaction_rate", "value": 91}], format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2
    listed = api.get(f"/api/observations/?unit={commune.pk}").json()
    assert listed["count"] == 2
    # The same unit, measure and period with another value: refused unless ?replace=1.
    response = api.post("/api/observations/", {**item, "value": "90"}, format="json")
    assert response.status_code == 400 and "Mục 1" in response.json()["errors"]
    assert api.post("/api/observations/?replace=1", {**item, "value": "90"}, format="json").status_code == 201
    # The outsider neither reads nor writes the commune's figures.
    api.force_authenticate(outsider)
    assert api.get(f"/api/observations/?unit={commune.pk}").json()["count"] == 0
    response = api.post("/api/observations/", {**item, "value": "50"}, format="json")
    assert response.status_code == 400
    assert (
        f"Mục 1: Bạn không có quyền nhập số liệu cho đơn vị “{commune.name}”"
        in response.json()["errors"]["Mục 1"][0]
    )
    assert Observation.objects.get(unit=commune, measure__code="on_time_dossiers").value == Decimal("90")

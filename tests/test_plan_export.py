"""The Vị Xuyên 2021 plan from its data file, and its .docx/.xlsx exports row by row."""

import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from docx.oxml.ns import qn

from chiso.plans import services
from chiso.plans.conformance import check_plan, lower_plans_matrix
from chiso.plans.demo import appendix_rows, build_demo_plans, build_vi_xuyen_plan, load_demo_data
from chiso.plans.export import export_bytes, plan_document
from chiso.plans.models import Plan, PlanState, Task
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

COLUMNS = ["tt", "label", "task", "target", "lead", "partners", "timeframe"]


@pytest.fixture
def data():
    return load_demo_data()


@pytest.fixture
def plan(data):
    return build_vi_xuyen_plan(None, data)


def expected_rows(data) -> list[list[str]]:
    """What the appendix prints, in order: group rows [code, title] and task rows (7 cells)."""
    titles = {g["code"]: g["title"] for g in data["groups"]}
    rows, group = [], None
    for row in appendix_rows(data):
        code = row["criterion"].split(".")[0]
        if code != group:
            group = code
            if titles[code]:
                rows.append([code, titles[code]])
        rows.append([row[name] for name in COLUMNS])
    return rows


def test_data_file_holds_every_appendix_row(data):
    rows = appendix_rows(data)
    assert len(rows) == 41
    numbered = [r["tt"] for r in rows if r["tt"]]
    assert numbered == [
        *["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"],
        *["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3", "6.4"],
        *["7.1", "7.2", "7.3", "8.1", "8.2", "8.3"],
    ]
    # Spot checks against the printed plan.
    by_task = {r["task"][:40]: r for r in rows}
    water = by_task["Đối với nước sinh hoạt nông thôn"]
    assert (water["target"], water["lead"], water["timeframe"]) == (
        "90% người dân nông thôn được dùng nước sinh hoạt hợp vệ sinh",
        "Phòng Nông nghiệp & PTNT",
        "Thường xuyên",
    )
    assets = next(r for r in rows if r["task"].startswith("Kê khai tài sản"))
    assert (assets["timeframe"], assets["lead"]) == (
        "Tháng 12 hàng năm",
        "Thanh tra huyện",
    )  # merged with 4.5
    assert rows[2]["timeframe"] == "23/5/2021"
    # Every unit or group name the table writes maps to a unit or a group.
    names = {n for r in rows for n in r["lead_names"] + r["partner_names"]}
    assert names <= set(data["parties"])


def test_plan_built_from_the_data_file(plan, data, vi_xuyen_old):
    assert plan.issuer == vi_xuyen_old and plan.issuer.ref == "vn-pre2025:district:030"
    assert (plan.number_symbol, plan.issued_on, plan.state) == (
        "154/KH-UBND",
        dt.date(2021, 5, 31),
        PlanState.ISSUED,
    )
    reference = plan.references.get()
    assert (
        reference.kind,
        reference.target,
        reference.number_symbol,
        reference.issued_on,
        reference.issuer_name,
    ) == (
        "implements",
        None,
        "163/KH-UBND",
        dt.date(2021, 5, 24),
        "UBND tỉnh Hà Giang",
    )
    assert plan.lower_plan_deadline() == dt.date(2021, 6, 15)
    version = plan.frameworks.get()
    assert version.framework.code == "PAPI"
    tasks = list(plan.tasks.prefetch_related("criteria", "assignments__unit", "assignments__group"))
    rows = appendix_rows(data)
    assert len(tasks) == len(rows)
    for task, row in zip(tasks, rows, strict=True):
        assert [task.number, task.criterion_label, task.text, task.target_text] == [
            row["tt"],
            row["label"],
            row["task"],
            row["target"],
        ]
        assert [task.lead_display, task.partners_display, task.timeframe_text] == [
            row["lead"],
            row["partners"],
            row["timeframe"],
        ]
        assert [a.label for a in task.leads] == row["lead_names"]
        assert [a.label for a in task.partners] == row["partner_names"]
        codes = [c.code.lstrip("D") for c in task.criteria.all()]
        assert codes and codes[0] in (row["criterion"], row["criterion"].split(".")[0]), row
    # Names as written resolve to the district's bodies and groups.
    first = tasks[0]
    assert first.leads[0].unit.name == "Phòng Văn hóa và Thông tin"
    assert first.leads[0].unit.parent == vi_xuyen_old
    assert first.partners[0].group.name == "UBND các xã, thị trấn"
    assert len(first.partners[0].group.expand(plan.issued_on)) == 24
    assert all(t.lead_display for t in tasks)
    assert {t.timeframe_kind for t in tasks} >= {
        "continuous",
        "date",
        "half_year",
        "year",
        "yearly",
        "range",
        "quarter",
    }


def test_issued_plan_covers_the_8_papi_dimensions(plan):
    findings = check_plan(plan)
    assert not [f for f in findings if f.code == "dimension_missing"]
    # The real plan leaves some cells empty: the checks say which.
    no_due = {Task.objects.get(pk=f.task_id).number for f in findings if f.code == "no_due"}
    assert {"7.1", "7.2", "7.3"} <= no_due  # the printed table leaves their timeframe empty
    assert not [f for f in findings if f.code == "no_lead"]


def docx_table_rows(content: bytes) -> list[list[str]]:
    """The appendix rows of an exported .docx: each row's real cells (a merged cell once)."""
    document = docx.Document(io.BytesIO(content))
    rows = []
    for table in document.tables:
        for tr in table._tbl.tr_lst:
            cells = [
                "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
                for tc in tr.tc_lst
            ]
            rows.append(cells)
    header = rows.index(next(r for r in rows if r and r[0] == "TT"))
    return [r for r in rows[header + 1 :] if r[0] != "TT"]


def xlsx_rows(content: bytes) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row and row[0] == "TT")
    assert values[header] == [
        "TT",
        "Chỉ số nội dung/\nNội dung thành phần",
        "Nhiệm vụ",
        "Chỉ tiêu",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp, thực hiện",
        "Thời gian thực hiện",
    ]
    body = values[header + 1 :]
    return [row if any(row[2:]) else row[:2] for row in body]


def test_docx_export_holds_every_row(plan, data):
    content = export_bytes(plan, "docx")
    assert docx_table_rows(content) == expected_rows(data)
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for expected in (
        "Số: 154/KH-UBND",
        "Vị Xuyên, ngày 31 tháng 5 năm 2021",
        "KẾ HOẠCH",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "13. Ủy ban nhân dân các xã, thị trấn",
        "Hoàng Thanh Tịnh",
        "Thực hiện Kế hoạch số 163/KH-UBND, ngày 24/5/2021 của UBND tỉnh",
        "(Kèm theo Kế hoạch số 154/KH-UBND ngày 31/5/2021 của UBND huyện Vị Xuyên)",
    ):
        assert expected in text, expected


def test_xlsx_export_holds_every_row(plan, data):
    content = export_bytes(plan, "xlsx")
    assert xlsx_rows(content) == expected_rows(data)


def test_document_model_of_the_plan(plan):
    document = plan_document(plan)
    assert document.issuer == "ỦY BAN NHÂN DÂN\nHUYỆN VỊ XUYÊN"
    assert [s.heading for s in document.sections] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NHIỆM VỤ, GIẢI PHÁP",
        "III. TỔ CHỨC THỰC HIỆN",
    ]
    assert [s.heading for s in document.sections[0].subsections] == ["1. Mục đích", "2. Yêu cầu"]
    assert len(document.sections[2].subsections) == 14
    assert document.recipients[-1] == "Lưu: VT."
    assert document.appendices[0].title.startswith("PHỤ LỤC\nNHIỆM VỤ CẢI THIỆN")


def test_export_plan_command(plan, tmp_path):
    out = tmp_path / "kh154.docx"
    call_command("export_plan", "154/KH-UBND", issuer="UBND huyện Vị Xuyên", fmt="docx", output=str(out))
    assert docx_table_rows(out.read_bytes())[1][0] == "1.1"
    by_code = tmp_path / "kh154.xlsx"
    call_command("export_plan", "154/KH-UBND", issuer="030", fmt="xlsx", output=str(by_code))
    assert openpyxl.load_workbook(by_code).worksheets[0].max_row > 41
    # Accents and the authority prefix do not matter.
    call_command(
        "export_plan", "154/kh-ubnd", issuer="uy ban nhan dan huyen vi xuyen", fmt="xlsx", output=str(by_code)
    )


def test_export_plan_command_errors(plan, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command(
            "export_plan", "999/KH-UBND", issuer="UBND huyện Vị Xuyên", output=str(tmp_path / "x.docx")
        )
    assert exc.value.returncode == 2
    assert str(exc.value).startswith("Không tìm thấy kế hoạch số 999/KH-UBND của “UBND huyện Vị Xuyên”")
    with pytest.raises(CommandError) as exc:
        call_command(
            "export_plan", "154/KH-UBND", issuer="UBND huyện Mèo Vạc", output=str(tmp_path / "x.docx")
        )
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("export_plan", "abc", issuer="UBND huyện Vị Xuyên", output=str(tmp_path / "x.docx"))
    assert exc.value.returncode == 2 and "không đúng dạng" in str(exc.value)
    # The same number in another year makes the reference ambiguous until the year is given.
    services.create_plan(
        None,
        plan.issuer,
        {
            "title": "Kế hoạch năm 2022",
            "year_from": 2022,
            "number_symbol": "154/KH-UBND",
            "issued_on": "2022-05-30",
        },
    )
    with pytest.raises(CommandError) as exc:
        call_command(
            "export_plan", "154/KH-UBND", issuer="UBND huyện Vị Xuyên", output=str(tmp_path / "x.docx")
        )
    assert exc.value.returncode == 2 and "Có 2 kế hoạch số 154/KH-UBND" in str(exc.value)
    call_command(
        "export_plan", "154/KH-UBND", issuer="UBND huyện Vị Xuyên", year=2021, output=str(tmp_path / "x.docx")
    )
    assert (tmp_path / "x.docx").exists()


def test_demo_plans_are_idempotent_and_cascaded():
    first = build_demo_plans()
    counts = (Plan.objects.count(), Task.objects.count(), Unit.objects.count())
    second = build_demo_plans()
    assert [p.pk for p in first] == [p.pk for p in second][: len(first)] or {p.pk for p in first} == {
        p.pk for p in second
    }
    assert (Plan.objects.count(), Task.objects.count(), Unit.objects.count()) == counts
    upper = first[0]
    lower = {p.issuer.name: p for p in upper.lower_plans.select_related("issuer")}
    assert set(lower) == {
        "Phòng Nội vụ",
        "Phòng Văn hóa và Thông tin",
        "Thị trấn Vị Xuyên",
        "Xã Đạo Đức",
        "Xã Phong Quang",
    }
    assert lower["Phòng Nội vụ"].number_symbol == "45/KH-PNV"
    assert lower["Thị trấn Vị Xuyên"].preamble.startswith(
        "Thực hiện Kế hoạch số 154/KH-UBND ngày 31/5/2021 của UBND huyện Vị Xuyên"
    )
    rows = {row.unit.name: row for row in lower_plans_matrix(upper).rows}
    assert rows["Phòng Nội vụ"].timeliness.on_time is True
    assert rows["Thị trấn Vị Xuyên"].timeliness.on_time is False
    assert rows["Thị trấn Vị Xuyên"].timeliness.late_days == 4
    assert rows["Xã Đạo Đức"].plan.state == PlanState.DRAFT
    assert len(rows) == len(lower_plans_matrix(upper).rows)
    # A draft lower plan exports too (number left blank to fill in).
    assert docx_table_rows(export_bytes(lower["Xã Đạo Đức"], "docx"))

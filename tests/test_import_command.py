"""`chiso import_plan PATH [--json]`: one JSON object and exit 0, or one Vietnamese line on stderr and exit 2."""

import io
import json

import pytest
from django.core.management import call_command

from tests.conftest import SAMPLES


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_plan", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_json_output_follows_the_schema():
    if not SAMPLES.is_dir():
        pytest.skip("samples missing")
    code, out, err = run(str(SAMPLES / "vi-xuyen-2021-plan.docx"), "--json")
    assert code == 0, err
    data = json.loads(out)  # exactly one JSON object
    assert set(data) >= {"plan", "tasks", "warnings"}
    plan = data["plan"]
    for key in (
        "issuer",
        "number",
        "symbol",
        "issued_on",
        "place",
        "title",
        "period_start",
        "period_end",
        "implements",
        "supersedes",
        "deadlines",
    ):
        assert key in plan
    assert plan["issued_on"] == "2021-05-31"
    assert plan["implements"][0] == {
        "kind": "Kế hoạch",
        "number": "163",
        "symbol": "KH-UBND",
        "issued_on": "2021-05-24",
        "issuer": "UBND tỉnh",
    }
    assert all(set(d) >= {"what", "due", "text"} for d in plan["deadlines"])
    task = data["tasks"][0]
    for key in (
        "section",
        "framework",
        "criterion_code",
        "criterion_name",
        "canonical_criterion",
        "description",
        "target",
        "output",
        "lead_units",
        "partner_units",
        "timeframe",
        "source",
    ):
        assert key in task
    assert set(task["timeframe"]) >= {"text", "kind", "due"}
    assert set(task["source"]) >= {"page", "line"}
    assert task["framework"] in {"PAPI", "PAR_INDEX", "SIPAS", "PCI", "DDCI", None}
    assert task["canonical_criterion"]["code"] == "1.1"
    assert isinstance(data["warnings"], list) and data["warnings"]


@pytest.mark.django_db
def test_summary_in_vietnamese():
    if not SAMPLES.is_dir():
        pytest.skip("samples missing")
    code, out, _ = run(str(SAMPLES / "moc-chau-2022-plan.md"))
    assert code == 0
    assert out.startswith("Kế hoạch số 426/KH-UBND ngày 18/02/2022 — UBND huyện Mộc Châu")
    assert "Nhiệm vụ: 35 (PAPI: 35)" in out
    assert "Chốt số liệu 6 tháng: từ 01/12/2021 đến 31/05/2022" in out
    assert "Cảnh báo" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"%PDF-1.4 broken", "a.pdf", "PDF"),
        (b"PK\x03\x04 not really a zip", "a.docx", "Word"),
        (b"\x89PNG\r\n\x1a\n", "a.png", "không được hỗ trợ"),
        ("Chỉ là một dòng chữ.".encode(), "a.txt", "không phải là một kế hoạch"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path, content, name, words):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(str(path), "--json")
    assert code == 2
    assert out == ""
    line = err.strip()
    assert line.startswith("Lỗi: ") and "\n" not in line
    assert words in line


@pytest.mark.django_db
def test_missing_file(tmp_path):
    code, _, err = run(str(tmp_path / "khong-co.pdf"))
    assert code == 2
    assert "khong-co.pdf" in err


@pytest.mark.django_db
def test_issuer_option(vi_xuyen_old, tmp_path):
    if not SAMPLES.is_dir():
        pytest.skip("samples missing")
    code, out, _ = run(str(SAMPLES / "vi-xuyen-2021-plan.md"), "--json", "--issuer", vi_xuyen_old.ref)
    assert code == 0
    assert json.loads(out)["plan"]["issuer_unit"]["ref"] == vi_xuyen_old.ref
    code, _, err = run(str(SAMPLES / "vi-xuyen-2021-plan.md"), "--issuer", "vn:khong-co")
    assert code == 2
    assert "vn:khong-co" in err

"""Plan import: the three sample plans in every format against their hand-written results, and a
200-page plan in .docx and .pdf for time and memory.

    DJANGO_SETTINGS_MODULE=chiso.settings .venv/bin/python -m bench.import_bench

uses the dev database (var/chiso.sqlite3 after `chiso migrate && chiso load_units && chiso
load_frameworks`); `make bench` runs it on its own database. For each document and format it
prints: tasks found / expected, tasks with the right criterion code, with the right lead units,
tasks matched to a catalogue criterion (and how many of those are the criterion a reader means),
lead units matched to the unit tree (with the issuer's standard bodies present, created inside a
rolled-back transaction when the tree has none), header fields right, and seconds. Each large
file is parsed in a child process so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(
    os.environ.get("CHISO_SAMPLES") or Path(__file__).resolve().parent.parent.parent / "shared" / "samples"
)
EXPECTED = Path(__file__).resolve().parent.parent / "tests" / "data" / "import"
CACHE = Path(__file__).resolve().parent.parent / "var" / "bench"
LARGE_PAGES = 200


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()


def flattened(docx_path: Path) -> bytes:
    """The plan as text copied from a viewer: paragraphs, then each table cell on its own line."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(docx_path))
    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                lines.extend(" ".join(cell.text.split()) for cell in row.cells if cell.text.strip())
    return "\n".join(lines).encode("utf-8")


class _Rollback(Exception):
    pass


def evaluate(data: bytes | Path, filename: str, expected: dict) -> dict:
    """Parse one document inside a rolled-back transaction (bodies created for the issuer if its
    subtree has none) and score it."""
    from django.db import transaction

    from chiso.documents.evaluation import score
    from chiso.documents.parser import parse_document
    from chiso.units.models import DIVISION_LEVEL, Unit
    from chiso.units.reference import create_bodies

    result: dict = {}
    try:
        with transaction.atomic():
            issuer = Unit.objects.filter(ref=expected.get("issuer_unit_ref")).first()
            created = 0
            if (
                issuer is not None
                and not Unit.objects.filter(parent=issuer).exclude(kind__in=list(DIVISION_LEVEL)).exists()
            ):
                template = (
                    "district_pre2025"
                    if issuer.kind in ("district", "urban_district", "town", "provincial_city")
                    else "commune_2025"
                )
                created = len(create_bodies(issuer, template))
            started = time.perf_counter()
            plan = parse_document(data, filename)
            seconds = time.perf_counter() - started
            parsed = plan.as_dict()
            scored = score(parsed, expected)
            leads = [match for task in plan.tasks for match in task.lead_resolved]
            result = {
                "score": scored,
                "seconds": seconds,
                "bodies_created": created,
                "lead_mentions": len(leads),
                "leads_matched": sum(1 for m in leads if m.status == "matched"),
                "leads_groups_posts": sum(1 for m in leads if m.status in ("group", "post")),
                "issuer_unit": (plan.issuer_unit or {}).get("ref"),
            }
            raise _Rollback
    except _Rollback:
        pass
    return result


def _percent(value: int, total: int) -> str:
    return f"{100 * value / total:5.1f}%" if total else "  —  "


def samples_table() -> list[dict]:
    rows = []
    print(
        f"{'document':24} {'fmt':5} {'found':>11} {'code':>7} {'leads':>7} {'to catalogue':>13} "
        f"{'reader':>7} {'units→tree':>11} {'header':>7} {'seconds':>8}"
    )
    for path in sorted(EXPECTED.glob("*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        name = expected["sample"]
        formats = list(expected["formats"])
        if "docx" in formats:
            formats.append("flat.txt")
        for fmt in formats:
            if fmt == "flat.txt":
                source: bytes | Path = flattened(SAMPLES / f"{name}.docx")
            else:
                source = SAMPLES / f"{name}.{fmt}"
                if not source.exists():
                    continue
            result = evaluate(source, f"{name}.{fmt}", expected)
            s = result["score"]
            rows.append(
                {
                    "document": name,
                    "format": fmt,
                    **s.as_dict(),
                    "seconds": round(result["seconds"], 3),
                    "leads_matched": result["leads_matched"],
                    "lead_mentions": result["lead_mentions"],
                }
            )
            units = f"{result['leads_matched']}/{result['lead_mentions'] - result['leads_groups_posts']}"
            print(
                f"{name:24} {fmt:5} {s.found:>3}/{s.expected:<3} {_percent(s.found, s.expected)}"
                f" {_percent(s.right_code, s.expected)} {_percent(s.right_leads, s.expected)}"
                f" {s.canonical_matched:>5}/{s.parsed:<3} {_percent(s.right_canonical, s.expected)}"
                f" {units:>11} {s.header_right:>3}/{s.header_total:<3} {result['seconds']:8.2f}"
            )
    print(
        "found/code/leads: share of the expected tasks found, with the criterion code as printed, with the lead "
        "units as printed; to catalogue: parsed tasks matched to a catalogue criterion; reader: share of expected "
        "tasks whose catalogue criterion is the one the plan means (none where the plan's own); units→tree: lead "
        "units matched to a unit of the tree / lead units that are single bodies (groups and posts excluded); "
        "flat.txt: the .docx copied as text, one table cell per line (not a target)."
    )
    return rows


# --- a 200-page plan ----------------------------------------------------------------------------------


def large_docx(rows: int) -> bytes:
    import docx

    document = docx.Document()
    for text in [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN VỊ XUYÊN",
        "Số: 99/KH-UBND",
        "Vị Xuyên, ngày 10 tháng 3 năm 2023",
        "KẾ HOẠCH",
        "Nâng cao Chỉ số hiệu quả quản trị và hành chính công (PAPI) năm 2023",
        "Thực hiện Kế hoạch số 20/KH-UBND ngày 01/3/2023 của UBND tỉnh Hà Giang.",
        "I. MỤC ĐÍCH, YÊU CẦU",
    ]:
        document.add_paragraph(text)
    for index in range(40):
        document.add_paragraph(
            f"- Nội dung yêu cầu số {index + 1}: các cơ quan, đơn vị, UBND các xã, thị trấn tổ chức quán triệt, triển khai "
            "thực hiện nghiêm túc, có hiệu quả các nhiệm vụ, giải pháp nâng cao chỉ số; báo cáo kết quả đúng thời hạn."
        )
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("NHIỆM VỤ NÂNG CAO CHỈ SỐ PAPI NĂM 2023")
    header = [
        "TT",
        "Chỉ số nội dung/Tiêu chí thành phần",
        "Nhiệm vụ trọng tâm",
        "Chỉ tiêu",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời gian thực hiện",
    ]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for k, text in enumerate(header):
        table.rows[0].cells[k].text = text
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)
    leads = [
        "Phòng Nội vụ",
        "Phòng Tư pháp",
        "Văn phòng HĐND và UBND",
        "Phòng Tài nguyên và Môi trường",
        "Phòng Văn hóa và Thông tin",
    ]
    times = ["Thường xuyên", "Quý II/2023", "6 tháng cuối năm 2023", "Trước ngày 15/10/2023", "Năm 2023"]
    for index in range(rows):
        cells = table.add_row().cells
        dimension, sub = index // 125 + 1, index % 125 + 1
        values = [
            f"{dimension}.{sub}",
            f"Tiêu chí thành phần {dimension}.{sub}",
            f"Nhiệm vụ {index + 1}: tổ chức tuyên truyền, phổ biến, hướng dẫn, kiểm tra, giám sát việc thực hiện các quy định "
            "về công khai, minh bạch, trách nhiệm giải trình; tiếp nhận, xử lý phản ánh, kiến nghị của người dân.",
            "100% các xã, thị trấn",
            leads[index % len(leads)],
            "UBND các xã, thị trấn",
            times[index % len(times)],
        ]
        for k, text in enumerate(values):
            cells[k].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return len(pdf.pages)


def large_files() -> tuple[Path, Path | None, int]:
    """A plan whose PDF rendering has at least 200 pages (cached under var/bench/)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    rows = 300  # about 200 pages once rendered by LibreOffice (A4 portrait, 7 columns)
    docx_path = CACHE / f"large-plan-{rows}.docx"
    pdf_path = CACHE / f"large-plan-{rows}.pdf"
    if not docx_path.exists():
        docx_path.write_bytes(large_docx(rows))
        if pdf_path.exists():
            pdf_path.unlink()
    soffice = next((p for p in ("/usr/bin/soffice", "/usr/bin/libreoffice") if os.path.exists(p)), None)
    if not pdf_path.exists() and soffice:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation=file://{profile}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(CACHE),
                    str(docx_path),
                ],
                check=True,
                capture_output=True,
                timeout=900,
            )
    pages = _pdf_pages(pdf_path) if pdf_path.exists() else 0
    return docx_path, (pdf_path if pdf_path.exists() else None), pages


def measure_child(path: Path) -> dict:
    """Parse one file in a child process: its seconds, peak memory and task count."""
    command = [sys.executable, "-m", "bench.import_bench", "--measure", str(path)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=900, env=dict(os.environ))
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _measure(path: str) -> None:
    _setup()
    from chiso.documents.parser import parse_document

    before = _status_mb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current size
    started = time.perf_counter()
    plan = parse_document(path, resolve=False)
    seconds = time.perf_counter() - started
    peak = _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "tasks": len(plan.tasks),
                "pages": plan.pages,
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(peak, 1),
                "rss_before_mb": round(before, 1),
                "warnings": len(plan.warnings),
            }
        )
    )


def large_table() -> list[dict]:
    docx_path, pdf_path, pages = large_files()
    rows = []
    for path in [docx_path, pdf_path]:
        if path is None:
            print("large plan .pdf: LibreOffice not installed, skipped")
            continue
        result = measure_child(path)
        result["file"] = path.name
        result["pdf_pages"] = pages
        rows.append(result)
        print(
            f"large plan {path.suffix:5} ({pages} pages as PDF, {path.stat().st_size // 1024} kB): "
            + (
                f"{result['tasks']} tasks in {result['seconds']:.1f} s, peak memory {result['peak_rss_mb']:.0f} MB "
                f"(process before parsing {result['rss_before_mb']:.0f} MB)"
                if "error" not in result
                else f"failed: {result['error']}"
            )
        )
    return rows


def layouts_table() -> None:
    """The generated layouts (tests/layouts): figures per layout family, the PDF layouts through
    LibreOffice, and the same PDFs flattened to text as a viewer copies them."""
    import importlib.util

    if importlib.util.find_spec("tests.layouts") is None:
        print("generated layouts: tests/layouts not found, skipped")
        return
    from chiso.documents.errors import NoTasksFound
    from chiso.documents.parser import parse_document
    from tests.layouts.corpus import cases
    from tests.layouts.recovery import recover, report
    from tests.layouts.render import render, soffice, to_pdf

    def run_cases(items, documents=None, filename=None):
        results = []
        for index, (layout, plan) in enumerate(items):
            name, data = render(layout, plan)
            if documents is not None:
                name, data = filename or "plan.pdf", documents[f"layout{index}"]
            try:
                parsed = parse_document(data, name, resolve=False).as_dict()
            except NoTasksFound:
                parsed = {"tasks": []}
            results.append((layout, recover(plan, layout, parsed)))
        return results

    print("\ngenerated layouts (docx, tab-separated, | tables, prose; 240 from the fixed seed list):")
    print(report(run_cases(cases(240, ("docx", "tsv", "pipe")))))
    print("\none cell per line (a table copied from a viewer), 40 layouts:")
    flat = [case for case in cases(400, ("flat",)) if case[0].mode != "prose"][:40]
    print(report(run_cases(flat)).splitlines()[-1])
    if soffice() is None:
        print("PDF layouts: LibreOffice not installed, skipped")
        return
    pdf = cases(400, ("pdf",))[:40]
    documents = to_pdf({f"layout{i}": render(layout, plan)[1] for i, (layout, plan) in enumerate(pdf)})
    print("\nPDF layouts (LibreOffice), 40:")
    print(report(run_cases(pdf, documents)))
    import pdfplumber

    texts = {}
    for key, data in documents.items():
        with pdfplumber.open(io.BytesIO(data)) as document:
            texts[key] = "\n".join(page.extract_text() or "" for page in document.pages).encode("utf-8")
    print("\nthe same PDFs flattened to text (pdfplumber extract_text):")
    print(report(run_cases(pdf, texts, "plan.txt")).splitlines()[-1])


def run() -> None:
    samples_table()
    layouts_table()
    large_table()


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--measure":
        _measure(argv[1])
        return 0
    _setup()
    from django.db import connection

    print(f"plan import on {connection.vendor} {connection.settings_dict['NAME']}")
    run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

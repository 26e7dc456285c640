"""A 200-page plan stays within the limits stated for the importer: the .docx in under 10 s and
the PDF rendering (209 pages) in under 60 s, each with less than 250 MB of extra memory."""

from pathlib import Path

import pytest

from bench.import_bench import large_docx
from chiso.documents.parser import parse_document
from tests.test_import_support import to_pdf

STATUS = Path("/proc/self/status")


def _mb(field: str) -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def measure(data: bytes, name: str):
    """Parse and return (plan, seconds, extra peak memory in MB or None where /proc is missing)."""
    import time

    before = None
    if STATUS.exists():
        before = _mb("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    plan = parse_document(data, name, resolve=False)
    seconds = time.perf_counter() - started
    extra = _mb("VmHWM") - before if before is not None else None
    return plan, seconds, extra


@pytest.fixture(scope="module")
def large_plan() -> bytes:
    return large_docx(300)


def test_200_page_docx(large_plan):
    plan, seconds, extra = measure(large_plan, "large.docx")
    assert len(plan.tasks) == 300
    assert plan.tasks[-1].criterion_code == "3.50"
    assert seconds < 10
    if extra is not None:
        assert extra < 250


def test_200_page_pdf(large_plan):
    pdf = to_pdf(large_plan)
    plan, seconds, extra = measure(pdf, "large.pdf")
    assert plan.pages >= 200
    assert len(plan.tasks) == 300
    assert [t.lead_units for t in plan.tasks[:5]] == [
        ["Phòng Nội vụ"],
        ["Phòng Tư pháp"],
        ["Văn phòng HĐND và UBND"],
        ["Phòng Tài nguyên và Môi trường"],
        ["Phòng Văn hóa và Thông tin"],
    ]
    assert seconds < 60
    if extra is not None:
        assert extra < 250

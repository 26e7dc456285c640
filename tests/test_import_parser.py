"""The parser on plans it has not seen: other columns, merged cells, repeated headers, several
appendices for several indices, prose tasks with labelled units, header variants and drafts."""

import datetime as dt

import pytest

from chiso.documents.header import find_references, parse_header
from chiso.documents.parser import parse_document
from chiso.documents.readers import read_document
from tests.test_import_support import (
    HEADER,
    add_table,
    docx_bytes,
    mark_header,
    new_document,
    plan_paragraphs,
    to_pdf,
)


def parse(data: bytes, name: str = "plan.docx"):
    return parse_document(data, name, resolve=False)


# --- header ----------------------------------------------------------------------------------------


def test_header_with_printed_issuer_block():
    header = parse_header(
        [
            "ỦY BAN NHÂN DÂN",
            "HUYỆN VỊ XUYÊN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 154/KH-UBND",
            "Vị Xuyên, ngày 31 tháng 5 năm 2021",
            "KẾ HOẠCH",
            "Cải thiện và nâng cao Chỉ số PAPI",
            "năm 2021",
            "Thực hiện Kế hoạch số 163/KH-UBND, ngày 24/5/2021 của UBND tỉnh về nâng cao chỉ số PAPI.",
        ]
    )
    assert header.issuer == "ỦY BAN NHÂN DÂN HUYỆN VỊ XUYÊN"
    assert (header.number, header.symbol) == ("154", "KH-UBND")
    assert (header.place, header.issued_on) == ("Vị Xuyên", dt.date(2021, 5, 31))
    assert header.title == "Cải thiện và nâng cao Chỉ số PAPI năm 2021"
    assert (header.period_start, header.period_end) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    [reference] = header.implements
    assert (reference.kind, reference.number, reference.symbol) == ("Kế hoạch", "163", "KH-UBND")
    assert (reference.issued_on, reference.issuer) == (dt.date(2021, 5, 24), "UBND tỉnh")


def test_header_issuer_under_its_parent_and_motto_on_the_same_lines():
    header = parse_header(
        [
            "UBND HUYỆN VỊ XUYÊN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "PHÒNG NỘI VỤ Độc lập - Tự do - Hạnh phúc",
            "Số: 12/KH-PNV Vị Xuyên, ngày 05 tháng 01 năm 2023",
            "KẾ HOẠCH Nâng cao Chỉ số cải cách hành chính giai đoạn 2023-2025",
            "Căn cứ Kế hoạch số 20/KH-UBND ngày 01/12/2022 của UBND huyện Vị Xuyên;",
        ]
    )
    assert header.issuer == "PHÒNG NỘI VỤ"
    assert header.issuer_parent == "UBND HUYỆN VỊ XUYÊN"
    assert (header.number, header.symbol, header.place) == ("12", "KH-PNV", "Vị Xuyên")
    assert header.issued_on == dt.date(2023, 1, 5)
    assert header.title == "Nâng cao Chỉ số cải cách hành chính giai đoạn 2023-2025"
    assert (header.period_start, header.period_end) == (dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert header.implements[0].issuer == "UBND huyện Vị Xuyên"


def test_draft_with_blanks():
    header = parse_header(
        ["Số:    /KH-UBND", "Mộc Châu, ngày    tháng 3 năm 2022", "KẾ HOẠCH", "Nâng cao chỉ số PAPI năm 2022"]
    )
    assert header.number is None
    assert header.symbol == "KH-UBND"
    assert header.issued_on is None
    assert header.issued_partial == {"month": 3, "year": 2022}
    assert header.place == "Mộc Châu"
    assert any("để trống" in warning for warning in header.warnings)
    assert header.year == 2022


def test_superseded_and_numeric_dates():
    header = parse_header(
        [
            "Số: 40/KH-UBND",
            "Vị Xuyên, ngày 02/4/2021",
            "KẾ HOẠCH",
            "Cải thiện chỉ số PAPI năm 2021",
            "Thực hiện Chỉ thị số 06/CT-CTUBND ngày 17/5/2019 của Chủ tịch UBND tỉnh; Kế hoạch số 9/KH-UBND ngày 2/2/2021 của UBND tỉnh.",
            "I. MỤC ĐÍCH",
            "Kế hoạch này thay thế Kế hoạch số 35/KH-UBND ngày 14/3/2021 của UBND huyện.",
        ]
    )
    assert header.issued_on == dt.date(2021, 4, 2)
    assert [(r.kind, r.number, r.symbol) for r in header.implements] == [
        ("Chỉ thị", "06", "CT-CTUBND"),
        ("Kế hoạch", "9", "KH-UBND"),
    ]
    [replaced] = header.supersedes
    assert (replaced.number, replaced.symbol, replaced.issued_on) == ("35", "KH-UBND", dt.date(2021, 3, 14))


def test_references_in_running_text():
    [reference] = find_references(
        "theo Quyết định số 468/QĐ-TTg, ngày 27/3/2021 của Thủ tướng Chính phủ về …"
    )
    assert (reference.kind, reference.number, reference.symbol) == ("Quyết định", "468", "QĐ-TTg")
    assert (reference.issued_on, reference.issuer) == (dt.date(2021, 3, 27), "Thủ tướng Chính phủ")
    [law] = find_references("Nghị định số 13/2018/NĐ-CP")
    assert (law.number, law.symbol) == ("13", "2018/NĐ-CP")


# --- tables ------------------------------------------------------------------------------------------


def par_plan():
    """A PAR INDEX plan with other columns, group rows, merged cells and two tables."""
    document = new_document()
    plan_paragraphs(document)
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("NHIỆM VỤ NÂNG CAO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023")
    table = add_table(
        document,
        HEADER,
        [
            ["I", "Công tác chỉ đạo, điều hành cải cách hành chính", None, None, None, None, None],
            [
                "1",
                None,
                "Ban hành kế hoạch cải cách hành chính năm 2023",
                "Kế hoạch",
                "Phòng Nội vụ",
                "Các phòng, ban, ngành",
                "Quý I/2023",
            ],
            [
                "2",
                None,
                "Kiểm tra công tác cải cách hành chính",
                "Báo cáo kết quả kiểm tra",
                "Phòng Nội vụ",
                "Văn phòng HĐND và UBND",
                "Quý III/2023",
            ],
            ["II", "Cải cách thủ tục hành chính", None, None, None, None, None],
            [
                "3",
                None,
                "Rà soát, đơn giản hóa thủ tục hành chính",
                "Quyết định công bố",
                "Văn phòng HĐND và UBND",
                "Các phòng, ban, ngành; UBND cấp xã",
                "Thường xuyên",
            ],
            [
                "4",
                None,
                "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
                "≥ 95% hồ sơ",
                "Văn phòng HĐND và UBND",
                "UBND các xã, thị trấn",
                "Trước ngày 30/11/2023",
            ],
        ],
    )
    # Group rows span the whole table; the second task shares the lead of the first (merged cells).
    for r in (1, 4):
        table.rows[r].cells[1].merge(table.rows[r].cells[6])
    table.rows[2].cells[4].merge(table.rows[3].cells[4])
    table.rows[3].cells[4].text = "Phòng Nội vụ"
    # The table goes on in a second table with the header repeated (as converters split pages).
    add_table(
        document,
        HEADER,
        [
            ["III", "Cải cách chế độ công vụ", None, None, None, None, None],
            [
                "5",
                None,
                "Đánh giá, xếp loại cán bộ, công chức",
                "Báo cáo",
                "Phòng Nội vụ",
                "Các cơ quan, đơn vị",
                "Tháng 12 hằng năm",
            ],
        ],
    )
    document.add_paragraph("Kế hoạch này thay thế Kế hoạch số 35/KH-UBND ngày 14/3/2022 của UBND huyện.")
    return document


def test_tables_by_meaning_with_merged_cells_and_split_tables():
    plan = parse(docx_bytes(par_plan()))
    header = plan.header
    assert header.issuer == "ỦY BAN NHÂN DÂN HUYỆN VỊ XUYÊN"
    assert header.supersedes[0].number == "35"
    tasks = plan.tasks
    assert [t.description for t in tasks] == [
        "Ban hành kế hoạch cải cách hành chính năm 2023",
        "Kiểm tra công tác cải cách hành chính",
        "Rà soát, đơn giản hóa thủ tục hành chính",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "Đánh giá, xếp loại cán bộ, công chức",
    ]
    assert {t.framework for t in tasks} == {"PAR_INDEX"}
    assert [t.dimension_code for t in tasks] == ["I", "I", "II", "II", "III"]
    assert tasks[0].dimension_name == "Công tác chỉ đạo, điều hành cải cách hành chính"
    assert tasks[0].output == "Kế hoạch"
    assert tasks[1].lead_units == ["Phòng Nội vụ"]  # a vertically merged cell
    assert tasks[2].partner_units == ["Các phòng, ban, ngành", "UBND cấp xã"]
    assert tasks[3].timeframe.due == dt.date(2023, 11, 30)
    assert tasks[4].timeframe.kind == "yearly"
    assert tasks[4].timeframe.due == dt.date(2023, 12, 31)


def test_two_row_header_and_several_tasks_under_one_subdimension():
    document = new_document()
    plan_paragraphs(document, title="Nâng cao Chỉ số hài lòng của người dân (SIPAS) năm 2023")
    table = document.add_table(rows=6, cols=6)
    table.style = "Table Grid"
    top = ["STT", "Tiêu chí", "Nhiệm vụ, giải pháp", "Đơn vị", "Đơn vị", "Thời hạn hoàn thành"]
    second = ["", "", "", "Chủ trì", "Phối hợp", ""]
    for k in range(6):
        table.rows[0].cells[k].text = top[k]
        table.rows[1].cells[k].text = second[k]
    table.rows[0].cells[3].merge(table.rows[0].cells[4])
    table.rows[0].cells[3].text = "Đơn vị"
    for k in (0, 1, 2, 5):
        table.rows[0].cells[k].merge(table.rows[1].cells[k])
    mark_header(table.rows[0])
    mark_header(table.rows[1])
    rows = [
        [
            "1",
            "a) Tiếp cận dịch vụ",
            "Niêm yết công khai thủ tục tại Bộ phận Một cửa",
            "Văn phòng HĐND và UBND",
            "",
            "Quý II/2023",
        ],
        [
            "",
            "",
            "Bố trí ghế chờ, nước uống cho người dân",
            "Văn phòng HĐND và UBND",
            "Phòng Tài chính - Kế hoạch",
            "Quý III/2023",
        ],
        [
            "",
            "b) Công chức giải quyết công việc",
            "Tập huấn kỹ năng giao tiếp cho công chức",
            "Phòng Nội vụ",
            "",
            "Trong năm 2023",
        ],
        ["", "", "- Khảo sát sự hài lòng 02 lần/năm", "Phòng Nội vụ", "UBND các xã", "6 tháng cuối năm 2023"],
    ]
    for i, values in enumerate(rows, start=2):
        for k, text in enumerate(values):
            table.rows[i].cells[k].text = text
    plan = parse(docx_bytes(document))
    tasks = plan.tasks
    assert len(tasks) == 4
    assert {t.framework for t in tasks} == {"SIPAS"}
    assert [t.criterion_code for t in tasks] == ["a", "a", "b", "b"]
    assert [t.criterion_name for t in tasks][:3] == [
        "Tiếp cận dịch vụ",
        "Tiếp cận dịch vụ",
        "Công chức giải quyết công việc",
    ]
    assert tasks[1].partner_units == ["Phòng Tài chính - Kế hoạch"]
    assert tasks[3].description == "Khảo sát sự hài lòng 02 lần/năm"
    assert tasks[3].lead_units == ["Phòng Nội vụ"]


def test_several_appendices_for_several_indices():
    document = new_document()
    plan_paragraphs(document, title="Nâng cao các chỉ số PAR INDEX, SIPAS, PAPI năm 2023")
    document.add_paragraph("PHỤ LỤC I")
    document.add_paragraph("NHIỆM VỤ NÂNG CAO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX)")
    add_table(
        document,
        HEADER,
        [
            [
                "1",
                "Cải cách thể chế",
                "Rà soát văn bản quy phạm pháp luật",
                "Báo cáo",
                "Phòng Tư pháp",
                "",
                "Quý II/2023",
            ]
        ],
    )
    document.add_paragraph("PHỤ LỤC II")
    document.add_paragraph("NHIỆM VỤ NÂNG CAO CHỈ SỐ HÀI LÒNG CỦA NGƯỜI DÂN (SIPAS)")
    add_table(
        document,
        HEADER,
        [
            [
                "1",
                "Tiếp cận dịch vụ",
                "Niêm yết thủ tục hành chính",
                "Ảnh chụp",
                "Văn phòng HĐND và UBND",
                "",
                "Quý I/2023",
            ]
        ],
    )
    table = add_table(
        document,
        [
            "TT",
            "Chỉ số nội dung / Tiêu chí thành phần",
            "Nhiệm vụ",
            "Chỉ tiêu",
            "Đơn vị chủ trì",
            "Thời gian thực hiện",
        ],
        [
            ["A", "PHỤ LỤC III - CHỈ SỐ PAPI", None, None, None, None],
            ["1", "Tham gia của người dân ở cấp cơ sở", None, None, None, None],
            [
                "1.1",
                "Tri thức công dân",
                "Tuyên truyền pháp luật về dân chủ ở cơ sở",
                "100% thôn",
                "Phòng Tư pháp",
                "Năm 2023",
            ],
        ],
    )
    table.rows[1].cells[1].merge(table.rows[1].cells[5])
    plan = parse(docx_bytes(document))
    assert [(t.framework, t.description) for t in plan.tasks] == [
        ("PAR_INDEX", "Rà soát văn bản quy phạm pháp luật"),
        ("SIPAS", "Niêm yết thủ tục hành chính"),
        ("PAPI", "Tuyên truyền pháp luật về dân chủ ở cơ sở"),
    ]
    assert plan.tasks[2].criterion_code == "1.1"
    assert plan.tasks[2].dimension_name == "Tham gia của người dân ở cấp cơ sở"


def test_prose_tasks_with_labelled_units():
    document = new_document()
    plan_paragraphs(document, title="Nâng cao Chỉ số PAPI năm 2023")
    for text in [
        "II. NHIỆM VỤ, GIẢI PHÁP",
        "1. Nội dung “Tham gia của người dân ở cấp cơ sở”",
        "(1) Tuyên truyền Luật Thực hiện dân chủ ở cơ sở. - Đơn vị chủ trì: Phòng Tư pháp - Đơn vị phối hợp: UBND các xã, thị trấn - Thời gian thực hiện: Quý II/2023",
        "(2) Hướng dẫn bầu cử trưởng thôn, tổ trưởng tổ dân phố.",
        "- Đơn vị chủ trì:",
        "+ Phòng Nội vụ;",
        "+ Văn phòng HĐND và UBND.",
        "- Thời gian: Khi có cuộc bầu cử trưởng thôn",
        "2. Nội dung “Thủ tục hành chính công”",
        "(3) Công khai thủ tục hành chính tại Bộ phận Một cửa.",
        "- Cơ quan chủ trì: Văn phòng HĐND và UBND",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Phòng Nội vụ: theo dõi, đôn đốc, báo cáo UBND huyện trước ngày 15/12/2023.",
    ]:
        document.add_paragraph(text)
    plan = parse(docx_bytes(document))
    tasks = plan.tasks
    assert [t.description for t in tasks] == [
        "Tuyên truyền Luật Thực hiện dân chủ ở cơ sở.",
        "Hướng dẫn bầu cử trưởng thôn, tổ trưởng tổ dân phố.",
        "Công khai thủ tục hành chính tại Bộ phận Một cửa.",
    ]
    assert tasks[0].lead_units == ["Phòng Tư pháp"]
    assert tasks[0].partner_units == ["UBND các xã, thị trấn"]
    assert tasks[0].timeframe.due == dt.date(2023, 6, 30)
    assert tasks[1].lead_units == ["Phòng Nội vụ", "Văn phòng HĐND và UBND"]
    assert tasks[1].timeframe.kind == "event"
    assert tasks[2].lead_units == ["Văn phòng HĐND và UBND"]
    assert [t.criterion_code for t in tasks] == ["1", "1", "2"]
    assert tasks[2].criterion_name == "Thủ tục hành chính công"
    assert {t.framework for t in tasks} == {"PAPI"}
    assert any(d.what == "report" and d.due == dt.date(2023, 12, 15) for d in plan.header.deadlines)


def test_word_automatic_numbering_is_rebuilt():
    document = new_document()
    plan_paragraphs(document, title="Nâng cao Chỉ số PAPI năm 2023")
    document.add_paragraph("NHIỆM VỤ, GIẢI PHÁP", style="List Number")
    reader = read_document(docx_bytes(document), "plan.docx")
    texts = [block.text for block in reader.blocks]
    assert any(text.endswith("NHIỆM VỤ, GIẢI PHÁP") and text[0].isdigit() for text in texts)


def test_markdown_pipe_tables():
    text = "\n".join(
        [
            "Số: 7/KH-UBND",
            "",
            "Hà Giang, ngày 02 tháng 3 năm 2023",
            "",
            "KẾ HOẠCH",
            "",
            "Nâng cao Chỉ số PAPI năm 2023",
            "",
            "| TT | Tiêu chí | Nhiệm vụ | Chủ trì | Thời gian |",
            "|---|---|---|---|---|",
            "| 1.1 | Tri thức công dân | Tuyên truyền pháp luật | Sở Tư pháp | Quý II/2023 |",
            "| 1.2 | Cơ hội tham gia | Hướng dẫn bầu cử | Sở Nội vụ | Năm 2023 |",
        ]
    )
    plan = parse(text.encode(), "plan.md")
    assert [(t.criterion_code, t.lead_units) for t in plan.tasks] == [
        ("1.1", ["Sở Tư pháp"]),
        ("1.2", ["Sở Nội vụ"]),
    ]
    assert plan.header.number == "7"


def test_pdf_of_a_long_table_reads_like_the_docx():
    """A table over several pages with its header repeated by Word, rendered by LibreOffice."""
    document = new_document()
    plan_paragraphs(document, title="Nâng cao Chỉ số PAPI năm 2023")
    rows = [
        [
            f"{d}.{s}",
            f"Tiêu chí thành phần {d}.{s}",
            f"Thực hiện nhiệm vụ số {d}.{s} để cải thiện tiêu chí, tổ chức tuyên truyền, kiểm tra, giám sát thường xuyên",
            "Báo cáo",
            "Phòng Nội vụ" if s % 2 else "Phòng Tư pháp",
            "UBND các xã, thị trấn",
            "Quý III/2023",
        ]
        for d in range(1, 9)
        for s in range(1, 5)
    ]
    add_table(document, HEADER, rows)
    data = docx_bytes(document)
    from_docx = parse(data)
    from_pdf = parse(to_pdf(data), "plan.pdf")
    assert len(from_docx.tasks) == 32
    assert [(t.criterion_code, t.lead_units, t.description) for t in from_pdf.tasks] == [
        (t.criterion_code, t.lead_units, t.description) for t in from_docx.tasks
    ]
    assert from_pdf.pages and from_pdf.pages > 2


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_source_positions(fmt, tmp_path):
    document = par_plan()
    data = docx_bytes(document)
    plan = parse(data)
    assert all(task.line for task in plan.tasks)
    assert plan.as_dict()["tasks"][0]["source"]["line"] == plan.tasks[0].line


def test_issuer_and_motto_in_a_header_table():
    document = new_document()
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "ỦY BAN NHÂN DÂN\nHUYỆN VỊ XUYÊN\n-------"
    table.rows[0].cells[
        1
    ].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------"
    table.rows[1].cells[0].text = "Số: 154/KH-UBND"
    table.rows[1].cells[1].text = "Vị Xuyên, ngày 31 tháng 5 năm 2021"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Cải thiện Chỉ số PAPI năm 2021")
    add_table(
        document,
        HEADER,
        [["1", "Tri thức công dân", "Tuyên truyền pháp luật", "Bài viết", "Phòng Tư pháp", "", "Năm 2021"]],
    )
    plan = parse(docx_bytes(document))
    header = plan.header
    assert header.issuer == "ỦY BAN NHÂN DÂN HUYỆN VỊ XUYÊN"
    assert (header.number, header.place, header.issued_on) == ("154", "Vị Xuyên", dt.date(2021, 5, 31))
    assert header.title == "Cải thiện Chỉ số PAPI năm 2021"
    assert len(plan.tasks) == 1


def test_heading_rows_in_a_table_without_a_criterion_column():
    document = new_document()
    plan_paragraphs(document, title="Nâng cao Chỉ số PAPI năm 2023")
    table = add_table(
        document,
        ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Thời gian hoàn thành"],
        [
            ["1", "Nội dung “Tham gia của người dân ở cấp cơ sở”", None, None],
            ["", "Tuyên truyền Luật Thực hiện dân chủ ở cơ sở", "Phòng Tư pháp", "Quý II/2023"],
            ["2", "CÔNG KHAI, MINH BẠCH TRONG VIỆC RA QUYẾT ĐỊNH", None, None],
            ["", "Công khai danh sách hộ nghèo", "Phòng Lao động - Thương binh và Xã hội", "Quý IV/2023"],
            ["3", "Thủ tục hành chính công", None, None],
            ["", "Niêm yết thủ tục hành chính", "Văn phòng HĐND và UBND", "Thường xuyên"],
        ],
    )
    table.rows[5].cells[1].merge(table.rows[5].cells[3])
    plan = parse(docx_bytes(document))
    assert [(t.criterion_code, t.criterion_name, t.description) for t in plan.tasks] == [
        ("1", "Tham gia của người dân ở cấp cơ sở", "Tuyên truyền Luật Thực hiện dân chủ ở cơ sở"),
        ("2", "CÔNG KHAI, MINH BẠCH TRONG VIỆC RA QUYẾT ĐỊNH", "Công khai danh sách hộ nghèo"),
        ("3", "Thủ tục hành chính công", "Niêm yết thủ tục hành chính"),
    ]


@pytest.mark.django_db
def test_a_department_issuer_is_found_under_its_division(vi_xuyen_old):
    from chiso.units.reference import create_bodies

    create_bodies(vi_xuyen_old, "district_pre2025")
    document = new_document()
    for text in [
        "UBND HUYỆN VỊ XUYÊN",
        "PHÒNG NỘI VỤ",
        "Số: 05/KH-PNV",
        "Vị Xuyên, ngày 10 tháng 3 năm 2021",
        "KẾ HOẠCH",
        "Nâng cao Chỉ số PAPI năm 2021",
    ]:
        document.add_paragraph(text)
    add_table(
        document,
        HEADER,
        [["1", "Tri thức công dân", "Tuyên truyền pháp luật", "Bài viết", "Phòng Tư pháp", "", "Năm 2021"]],
    )
    plan = parse_document(docx_bytes(document), "plan.docx")
    assert plan.header.issuer == "PHÒNG NỘI VỤ"
    assert plan.issuer_unit["name"] == "Phòng Nội vụ"
    assert plan.tasks[0].lead_resolved[0].unit_name == "Phòng Tư pháp"


def test_roman_dimensions_with_numbered_criteria():
    document = new_document()
    plan_paragraphs(document, title="Nâng cao Chỉ số PAPI năm 2023")
    add_table(
        document,
        ["TT", "Chỉ số nội dung/Tiêu chí thành phần", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện"],
        [
            ["I", "Tham gia của người dân ở cấp cơ sở", None, None, None],
            ["1", "Tri thức công dân", "Tuyên truyền pháp luật", "Phòng Tư pháp", "Năm 2023"],
            ["2", "Cơ hội tham gia", "Hướng dẫn bầu cử", "Phòng Nội vụ", "Quý II/2023"],
            ["II", "Công khai, minh bạch", None, None, None],
            ["1", "Tiếp cận thông tin", "Cung cấp thông tin", "Văn phòng HĐND và UBND", "Thường xuyên"],
        ],
    )
    plan = parse(docx_bytes(document))
    assert [(t.dimension_code, t.criterion_code, t.criterion_name) for t in plan.tasks] == [
        ("I", "I.1", "Tri thức công dân"),
        ("I", "I.2", "Cơ hội tham gia"),
        ("II", "II.1", "Tiếp cận thông tin"),
    ]


def test_automatically_numbered_row_numbers_in_cells():
    document = new_document()
    plan_paragraphs(document, title="Nâng cao Chỉ số PAPI năm 2023")
    table = add_table(
        document,
        ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện"],
        [
            ["", "Tuyên truyền pháp luật", "Phòng Tư pháp", "Năm 2023"],
            ["", "Hướng dẫn bầu cử", "Phòng Nội vụ", "Quý II/2023"],
        ],
    )
    for row in table.rows[1:]:
        row.cells[0].paragraphs[0].style = document.styles["List Number"]
    plan = parse(docx_bytes(document))
    assert [t.description for t in plan.tasks] == ["Tuyên truyền pháp luật", "Hướng dẫn bầu cử"]
    reader = read_document(docx_bytes(document), "plan.docx")
    table_block = [b for b in reader.blocks if hasattr(b, "rows")][0]
    assert [row.cells[0].text for row in table_block.rows[1:]] == ["1.", "2."]

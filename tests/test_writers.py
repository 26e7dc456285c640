"""The official-document writers: .docx in the Decree 30 layout and .xlsx tables.

The sample is the Vị Xuyên 2021 PAPI plan (shared/samples/vi-xuyen-2021-plan.*): its header,
part of its body, its recipients and signature, and rows of its appendix table.
"""

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook

from chiso.documents.docx_writer import (
    date_line,
    docx_bytes,
    number_line,
    recipient_lines,
    render_chart_png,
    with_end_mark,
    write_docx,
)
from chiso.documents.model import (
    Appendix,
    Chart,
    Column,
    OfficialDocument,
    Paragraph,
    Row,
    Run,
    Section,
    Table,
    cell_text,
    format_number,
)
from chiso.documents.xlsx_writer import write_table_xlsx, xlsx_bytes

W = qn("w:val")

COLUMNS = [
    Column("TT", 1.1, "center"),
    Column("Chỉ số nội dung/Tiêu chí thành phần", 3.6),
    Column("Nhiệm vụ trọng tâm", 7.2, "justify"),
    Column("Chỉ tiêu", 3.6),
    Column("Đơn vị chủ trì theo dõi", 3.0),
    Column("Đơn vị thực hiện", 3.4),
    Column("Thời gian thực hiện", 2.6, "center"),
]

APPENDIX_ROWS = [
    Row(["1", "Tham gia của người dân ở cấp cơ sở"], "group"),
    Row(
        [
            "1.1",
            "Tri thức công dân",
            "Đẩy mạnh công tác thông tin tuyên truyền nâng cao hiểu biết của người dân về các chính sách"
            " pháp luật hiện hành, về hệ thống chính trị",
            "100% các thôn, tổ dân phố",
            "Phòng Văn hóa thông tin",
            "UBND các xã, thị trấn",
            "Thường xuyên",
        ]
    ),
    Row(
        [
            "1.2",
            "Cơ hội tham gia",
            "- Tham mưu cho UBND huyện trong việc phối hợp với UB MTTQ huyện hướng dẫn, tạo điều kiện cho các"
            " cá nhân tham gia các tổ chức chính trị, chính trị xã hội; tham gia các tổ chức xã hội, nhóm,"
            " câu lạc bộ tự lập, quỹ xã hội, từ thiện.\n"
            "- Tham mưu Kế hoạch và tổ chức thực hiện Kế hoạch tổ chức bầu cử Quốc hội khóa XV và HĐND các"
            " cấp năm 2021",
            "100% các xã, thị trấn",
            "Phòng Nội vụ",
            "UBMT TQ huyện, UBND các xã, thị trấn",
            "Trong năm 2021",
        ]
    ),
    Row(
        [
            "1.3",
            "Chất lượng bầu cử",
            "- Tổ chức cuộc bầu cử đại biểu Quốc hội khóa XV và bầu cử HĐND các cấp (Nhiệm kỳ 2021-2026)",
            "Tỷ lệ cử tri đi bầu đạt trên 99,5%",
            "Phòng Nội vụ",
            "UBMT TQ huyện, UBND các xã, thị trấn",
            "23/5/2021",
        ]
    ),
    Row(
        [
            "",
            "",
            "- Tuyên truyền việc thực hiện bầu cử trưởng thôn, tổ dân phố tại các thôn, tổ dân phố.",
            "100% các xã, thị trấn",
            "Phòng Nội vụ",
            "UBMT TQ huyện, UBND các xã, thị trấn",
            "Thường xuyên",
        ]
    ),
    Row(
        [
            "1.4",
            "Đóng góp tự nguyện",
            "Tăng cường quản lý, hướng dẫn, thực hiện kiểm tra các xã, thị trấn về việc đóng góp các khoản"
            " vận động, quỹ xã hội, xây dựng, tu sửa các công trình công cộng; đảm bảo sử dụng, quản lý các"
            " khoản đóng góp của người dân được công khai, minh bạch.",
            "100% các xã, thị trấn",
            "Phòng Tài chính – KH",
            "UBND các xã, thị trấn",
            "Thường xuyên",
        ]
    ),
    Row(["2", "Công khai minh bạch"], "group"),
    Row(
        [
            "2.1",
            "Tiếp cận thông tin",
            "Tăng cường tính chủ động của chính quyền trong việc cung cấp thông tin tới người dân về chính"
            " sách pháp luật.",
            "100% chính sách pháp luật mới ban hành được cung cấp thông tin tới người dân",
            "Phòng Tư pháp",
            "UBND các xã, thị trấn",
            "Thường xuyên",
        ]
    ),
    Row(
        [
            "2.2",
            "Công khai danh sách hộ nghèo",
            "Thực hiện công khai quy trình bình xét hộ nghèo đến từng hộ gia đình trên địa bàn quản lý. Công"
            " khai đối tượng thuộc diện hộ nghèo, danh sách hộ nghèo và các chế độ chính sách theo quy định"
            " hiện hành tại UBND cấp xã và thông qua họp thôn, tổ dân phố. Tổ chức kiểm tra và xử lý nghiêm"
            " những cơ quan, đơn vị, địa phương; cán bộ, công chức thực hiện không đúng quy định về chính"
            " sách đối với hộ nghèo.",
            "100% các xã, thị trấn",
            "Phòng Lao động-Thương binh & XH",
            "UBND các xã, thị trấn",
            "Thường xuyên",
        ]
    ),
    Row(["3", "Trách nhiệm giải trình với người dân"], "group"),
    Row(
        [
            "3.1",
            "Mức độ và hiệu quả trong tiếp xúc với chính quyền",
            "Xây dựng kế hoạch và tổ chức thực hiện Kế hoạch đào tạo, bồi dưỡng đội ngũ cán bộ HĐND, UBND,"
            " cán đoàn thể cấp xã, tổ trưởng tổ dân phố và trưởng các thôn bản.",
            "100% đại biểu HĐND mới, được bồi dưỡng nghiệp vụ",
            "Phòng Nội vụ",
            "UBND các xã, thị trấn",
            "6 tháng cuối năm 2021",
        ]
    ),
    Row(
        [
            "3.2",
            "Giải đáp khiếu nại, tố cáo, khúc mắc của người dân",
            "Thực hiện tốt công tác tiếp công dân; giải quyết kịp thời các phản ánh, kiến nghị, khiếu nại,"
            " tố cáo của công dân.",
            "100% số lượng đơn thư khiếu nại, tố cáo được giải quyết phù hợp với quy định của nhà nước",
            "Thanh tra huyện",
            "Các cơ quan, đơn vị liên quan; UBND các xã, thị trấn",
            "Thường xuyên",
        ]
    ),
    Row(["8", "Quản trị điện tử"], "group"),
    Row(
        [
            "8.3",
            "Phúc đáp của chính quyền qua cổng Thông tin điện tử",
            "Thực hiện tiếp nhận và phản hồi sau 24h đối với 100% kiến nghị, phản ánh qua Trang thông tin"
            " điện tử; tham mưu cho UBND giao cho các cơ quan, đơn vị liên quan trả lời công dân sau 7 ngày.",
            "100% phản ánh, kiến nghị qua Trang thông tin điện tử được giải quyết",
            "Văn phòng HU-HĐND-UBND huyện",
            "Các cơ quan, đơn vị liên quan; UBND các xã, thị trấn",
            "Thường xuyên",
        ]
    ),
]

RECIPIENTS = [
    "UBND tỉnh",
    "Sở Nội vụ",
    "Thường trực Huyện ủy",
    "Thường trực HĐND huyện",
    "Chủ tịch, các PCT UBND huyện",
    "Văn phòng HU-HĐND-UBND huyện",
    "Ủy ban MTTQ huyện",
    "Các cơ quan, đơn vị huyện",
    "UBND các xã, thị trấn",
    "Trang TTĐT huyện",
    "Lưu: VT",
]

LAST_PARAGRAPH = (
    "Ủy ban nhân dân huyện yêu cầu các cơ quan, đơn vị, Chủ tịch UBND các xã, thị trấn xây dựng kế hoạch"
    " của cơ quan, đơn vị, địa phương mình gửi UBND huyện (trước ngày 15/6/2021); báo cáo sơ kết kết quả"
    " thực hiện (trước ngày 15/9/2021) và báo cáo tổng kết theo chỉ đạo của UBND huyện (gửi Phòng Nội vụ"
    " tổng hợp)."
)


def vi_xuyen_plan(**changes) -> OfficialDocument:
    """The Vị Xuyên 2021 plan as an OfficialDocument."""
    sections = [
        Section(
            "I. MỤC ĐÍCH, YÊU CẦU",
            subsections=[
                Section(
                    "1. Mục đích",
                    [
                        "- Nâng cao hiệu quả hoạt động của các cấp chính quyền trên địa bàn huyện, đặc biệt là"
                        " cấp cơ sở.",
                        "- Phát huy sự tham gia của mọi tầng lớp nhân dân vào quá trình xây dựng, thực thi và"
                        " giám sát việc thực thi chính sách.",
                    ],
                ),
                Section(
                    "2. Yêu cầu",
                    [
                        "- Kế hoạch được triển khai ở tất cả các cơ quan, đơn vị gắn với việc thực hiện nhiệm"
                        " vụ chuyên môn của các phòng, ban thuộc UBND huyện và nhiệm vụ phát triển kinh tế -"
                        " xã hội của các xã, thị trấn.",
                    ],
                ),
            ],
        ),
        Section(
            "II. NHIỆM VỤ, GIẢI PHÁP",
            subsections=[
                Section(
                    "1. Tham gia của người dân ở cấp cơ sở",
                    [
                        "Tăng cường công tác thông tin, tuyên truyền phổ biến pháp luật cho đội ngũ cán bộ,"
                        " công chức và nhân dân biết, thực hiện.",
                    ],
                    subsections=[
                        Section(
                            "a) Công khai, minh bạch",
                            [
                                "- Thực hiện đúng các quy định về công khai, minh bạch thu chi ngân sách.",
                            ],
                        )
                    ],
                ),
                Section(
                    "",
                    [
                        Paragraph(
                            [
                                "(Nhiệm vụ theo các chỉ số nội dung, nội dung thành phần tại Phụ lục kèm theo)."
                            ],
                            italic=True,
                        )
                    ],
                ),
            ],
        ),
        Section(
            "III. TỔ CHỨC THỰC HIỆN",
            subsections=[
                Section(
                    "1. Phòng Nội vụ",
                    [
                        Paragraph(
                            [
                                "- Chủ trì theo dõi, đôn đốc, tổng hợp kết quả triển khai thực hiện Kế hoạch,"
                                " định kỳ báo UBND huyện, Sở Nội vụ (",
                                Run("trước ngày 15/9/2021", bold=True),
                                ").",
                            ]
                        )
                    ],
                ),
            ],
            paragraphs=[],
        ),
        Section("", [LAST_PARAGRAPH]),
    ]
    values = dict(
        issuer_parent="UBND TỈNH HÀ GIANG",
        issuer="UBND HUYỆN VỊ XUYÊN",
        number_symbol="154/KH-UBND",
        place="Vị Xuyên",
        issued_on=dt.date(2021, 5, 31),
        doc_type="KẾ HOẠCH",
        title="Cải thiện và nâng cao Chỉ số hiệu quả quản trị và\n"
        "hành chính công (PAPI) trên địa bàn huyện Vị Xuyên năm 2021",
        preamble=[
            "Thực hiện Kế hoạch số 163/KH-UBND, ngày 24/5/2021 của UBND tỉnh về Cải thiện và nâng cao chỉ số"
            " hiệu quả quản trị và hành chính công cấp tỉnh (PAPI) tỉnh Hà Giang năm 2021.",
            "Để nâng cao hiệu quả quản trị của các cơ quan quản lý nhà nước, trên địa bàn huyện trong thời"
            " gian tới, UBND huyện Vị Xuyên xây dựng Kế hoạch Cải thiện và nâng cao chỉ số PAPI năm 2021 với"
            " các nội dung như sau:",
        ],
        sections=sections,
        recipients=RECIPIENTS,
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="Hoàng Thanh Tịnh",
        appendices=[
            Appendix(
                "PHỤ LỤC\nNHIỆM VỤ CẢI THIỆN, NÂNG CAO CHỈ SỐ NỘI DUNG VÀ TIÊU CHÍ THÀNH PHẦN CHỈ SỐ PAPI",
                "(Kèm theo Kế hoạch số 154/KH-UBND ngày 31/5/2021 của UBND huyện Vị Xuyên)",
                Table(COLUMNS, APPENDIX_ROWS),
            )
        ],
    )
    values.update(changes)
    return OfficialDocument(**values)


def all_paragraphs(document):
    """Every paragraph of a python-docx document, tables included, in order."""
    body = document.element.body
    from docx.text.paragraph import Paragraph as DocxParagraph

    return [DocxParagraph(p, document._body) for p in body.iter(qn("w:p"))]


def cell_texts(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def plan_docx(tmp_path):
    path = tmp_path / "ke-hoach-154.docx"
    write_docx(vi_xuyen_plan(), path)
    return path


# --- model ------------------------------------------------------------------------------------


def test_model_validates_rows_and_charts():
    with pytest.raises(ValueError, match="expected 7 cells"):
        Table(COLUMNS, [Row(["1", "a"])])
    with pytest.raises(ValueError, match="group row has 1 to 7 cells"):
        Table(COLUMNS, [Row(["x"] * 8, "group")])
    with pytest.raises(ValueError, match="kind"):
        Row(["a"], "header")
    with pytest.raises(TypeError):
        Row([["nested"]])
    with pytest.raises(TypeError):
        Row([True])
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        Chart("Điểm", "bar", ["A", "B", "C"], [("2023", [1, 2])])
    with pytest.raises(ValueError, match="width_cm"):
        Column("TT", 0)
    row = Row(["a", 1])
    assert row.cells == ("a", 1)
    with pytest.raises(AttributeError):
        row.kind = "total"


def test_numbers_are_written_the_vietnamese_way():
    assert format_number(1234567) == "1.234.567"
    assert format_number(1234.5) == "1.234,5"
    assert format_number(Decimal("99.50")) == "99,50"
    assert format_number(2.0) == "2"
    assert format_number(1 / 3) == "0,33"
    assert format_number(-0.5, 2) == "-0,50"
    assert format_number(64.25, 1) == "64,3"  # half up, as Excel shows it
    assert format_number(Decimal("0.125"), 2) == "0,13"
    assert cell_text(None) == ""
    assert cell_text(7) == "7"
    assert cell_text("1.1") == "1.1"


def test_document_helpers():
    assert date_line("Vị Xuyên", dt.date(2021, 5, 31)) == "Vị Xuyên, ngày 31 tháng 5 năm 2021"
    assert date_line("Hà Nội", dt.date(2020, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2020"
    assert date_line("Vị Xuyên", None) == "Vị Xuyên, ngày     tháng     năm 20.."
    assert number_line("154/KH-UBND") == "Số: 154/KH-UBND"
    assert number_line("/KH-UBND").startswith("Số:  ") and number_line("/KH-UBND").endswith(" /KH-UBND")
    assert with_end_mark("gửi Phòng Nội vụ tổng hợp).") == "gửi Phòng Nội vụ tổng hợp)./."
    assert with_end_mark("thực hiện;") == "thực hiện./."
    assert with_end_mark("xong./.") == "xong./."
    assert recipient_lines(["UBND tỉnh", "- Sở Nội vụ;", "Lưu: VT, NV"]) == [
        "- UBND tỉnh;",
        "- Sở Nội vụ;",
        "- Lưu: VT, NV.",
    ]


# --- .docx ------------------------------------------------------------------------------------


def test_docx_header_number_date_and_motto(plan_docx):
    document = Document(plan_docx)
    header = document.tables[0]
    texts = cell_texts(header)
    assert [p.text for p in header.cell(0, 0).paragraphs] == ["UBND TỈNH HÀ GIANG", "UBND HUYỆN VỊ XUYÊN", ""]
    assert texts[0][1].splitlines()[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert texts[1][0] == "Số: 154/KH-UBND"
    assert texts[1][1] == "Vị Xuyên, ngày 31 tháng 5 năm 2021"

    issuer = header.cell(0, 0).paragraphs[1].runs[0]
    assert issuer.bold and issuer.font.size.pt in (12, 13)
    parent = header.cell(0, 0).paragraphs[0].runs[0]
    assert not parent.bold and parent.font.size.pt in (12, 13)
    motto, motto_sub = (p.runs[0] for p in header.cell(0, 1).paragraphs[:2])
    assert motto.bold and motto.font.size.pt in (12, 13)
    assert motto_sub.bold and motto_sub.font.size.pt in (13, 14)
    # The short rules under the issuer and under the motto are bottom borders.
    for cell in (header.cell(0, 0), header.cell(0, 1)):
        rule = cell.paragraphs[-1]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
        assert rule.get(W) == "single"
    number = header.cell(1, 0).paragraphs[0].runs[0]
    assert number.font.size.pt == 13
    date = header.cell(1, 1).paragraphs[0].runs[0]
    assert date.italic and date.font.size.pt in (13, 14)
    # The header table has no borders.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(W) for edge in borders} == {"nil"}


def test_docx_title_body_and_end_mark(plan_docx):
    document = Document(plan_docx)
    texts = [p.text for p in document.paragraphs]
    assert "KẾ HOẠCH" in texts
    kind = document.paragraphs[texts.index("KẾ HOẠCH")]
    assert kind.alignment == 1 and kind.runs[0].bold and kind.runs[0].font.size.pt in (13, 14)
    title = document.paragraphs[texts.index("KẾ HOẠCH") + 1]
    assert title.text == (
        "Cải thiện và nâng cao Chỉ số hiệu quả quản trị và\n"
        "hành chính công (PAPI) trên địa bàn huyện Vị Xuyên năm 2021"
    )
    assert all(run.bold for run in title.runs)

    preamble = next(p for p in document.paragraphs if p.text.startswith("Thực hiện Kế hoạch số 163/KH-UBND"))
    fmt = preamble.paragraph_format
    assert preamble.alignment == 3  # justified
    assert 1.0 <= fmt.first_line_indent.cm <= 1.27
    assert fmt.space_before.pt >= 6
    assert preamble.runs[0].font.size.pt in (13, 14)

    headings = [p for p in document.paragraphs if p.text in ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích")]
    assert len(headings) == 2 and all(p.runs[0].bold for p in headings)
    emphasised = next(p for p in document.paragraphs if "trước ngày 15/9/2021" in p.text)
    assert [run.text for run in emphasised.runs if run.bold] == ["trước ngày 15/9/2021"]

    last = next(p for p in document.paragraphs if p.text.startswith("Ủy ban nhân dân huyện yêu cầu"))
    assert last.text == LAST_PARAGRAPH[:-1] + "./."
    assert sum(p.text.endswith("./.") for p in all_paragraphs(document)) == 1


def test_docx_recipients_and_signature(plan_docx):
    document = Document(plan_docx)
    signature = document.tables[1]
    left, right = signature.rows[0].cells
    paragraphs = left.paragraphs
    assert paragraphs[0].text == "Nơi nhận:"
    head = paragraphs[0].runs[0]
    assert head.bold and head.italic and head.font.size.pt == 12
    assert [p.text for p in paragraphs[1:]] == [f"- {name};" for name in RECIPIENTS[:-1]] + ["- Lưu: VT."]
    assert all(p.runs[0].font.size.pt == 11 for p in paragraphs[1:])
    lines = [p.text for p in right.paragraphs if p.text]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Hoàng Thanh Tịnh"]
    assert all(run.bold for p in right.paragraphs for run in p.runs)
    assert len(right.paragraphs) >= 6  # room to sign between the title and the name


def test_docx_page_setup_and_page_numbers(plan_docx):
    document = Document(plan_docx)
    portrait, appendix = document.sections
    assert portrait.orientation == WD_ORIENT.PORTRAIT
    assert abs(portrait.page_width.cm - 21.0) < 0.01 and abs(portrait.page_height.cm - 29.7) < 0.01
    assert 2.0 <= portrait.top_margin.cm <= 2.5 and 2.0 <= portrait.bottom_margin.cm <= 2.5
    assert 3.0 <= portrait.left_margin.cm <= 3.5 and 1.49 <= portrait.right_margin.cm <= 2.0

    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert abs(appendix.page_width.cm - 29.7) < 0.01 and abs(appendix.page_height.cm - 21.0) < 0.01
    # Rotated: the bound edge (30–35 mm) is the top of a landscape page.
    assert 3.0 <= appendix.top_margin.cm <= 3.5 and 1.49 <= appendix.bottom_margin.cm <= 2.0
    assert 2.0 <= appendix.left_margin.cm <= 2.5 and 2.0 <= appendix.right_margin.cm <= 2.5

    # Page numbers centred at the top from page 2: a PAGE field in the default header, none on page 1.
    assert portrait.different_first_page_header_footer
    header = portrait.header.paragraphs[0]
    assert header.alignment == 1
    assert "PAGE" in "".join(t.text for t in header._p.iter(qn("w:instrText")))
    assert not portrait.first_page_header.paragraphs[0].text
    assert not appendix.different_first_page_header_footer and appendix.header.is_linked_to_previous


def test_docx_fonts_are_times_new_roman_and_black(plan_docx):
    document = Document(plan_docx)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"
    }
    assert fonts.get(qn("w:asciiTheme")) is None
    runs = [run for paragraph in all_paragraphs(document) for run in paragraph.runs]
    section = document.sections[0]
    runs += [
        run
        for part in (section.header, section.first_page_header)
        for p in part.paragraphs
        for p in [p]
        for run in p.runs
    ]
    assert len(runs) > 100
    for run in runs:
        assert run.font.name == "Times New Roman", run.text
        rfonts = run._element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == "Times New Roman"
        assert str(run.font.color.rgb) == "000000"


def test_docx_appendix_table(plan_docx):
    document = Document(plan_docx)
    appendix_title = [p.text for p in document.paragraphs if p.text.startswith("PHỤ LỤC")]
    assert appendix_title == [
        "PHỤ LỤC\nNHIỆM VỤ CẢI THIỆN, NÂNG CAO CHỈ SỐ NỘI DUNG VÀ TIÊU CHÍ THÀNH PHẦN CHỈ SỐ PAPI"
    ]
    subtitle = next(p for p in document.paragraphs if p.text.startswith("(Kèm theo Kế hoạch số 154/KH-UBND"))
    assert all(run.italic for run in subtitle.runs)

    table = document.tables[2]
    rows = table.rows
    assert [cell.text for cell in rows[0].cells] == [column.title for column in COLUMNS]
    assert len(rows) == 1 + len(APPENDIX_ROWS)
    header_pr = rows[0]._tr.trPr
    assert header_pr.find(qn("w:tblHeader")) is not None
    for written, row in zip(rows[1:], APPENDIX_ROWS, strict=True):
        tcs = written._tr.findall(qn("w:tc"))
        texts = ["\n".join(_p_text(p) for p in tc.iter(qn("w:p"))) for tc in tcs]
        if row.kind == "group":
            # "1" in the TT column, the dimension's name spanning the six other columns, in bold.
            assert texts == list(row.cells)
            span = tcs[-1].tcPr.find(qn("w:gridSpan"))
            assert int(span.get(W)) == len(COLUMNS) - 1
            assert all(r.get(W) in (None, "1", "true") for tc in tcs for r in tc.iter(qn("w:b")))
            assert len(list(tcs[-1].iter(qn("w:b")))) >= 1
        else:
            assert texts == list(row.cells)
            assert written._tr.trPr.find(qn("w:cantSplit")) is not None
    # Column widths follow the model, and the table is bordered.
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid == [pytest.approx(Cm(c.width_cm).twips, abs=2) for c in COLUMNS]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(W) for edge in borders} == {"single"}
    cell_run = rows[3].cells[2].paragraphs[0].runs[0]
    assert cell_run.font.size.pt == 12
    assert rows[3].cells[2].paragraphs[1].text.startswith("- Tham mưu Kế hoạch")


def _p_text(p):
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def test_docx_draft_without_number_date_or_parent(tmp_path):
    doc = vi_xuyen_plan(issuer_parent="", number_symbol="/KH-UBND", issued_on=None, appendices=[])
    document = Document(io.BytesIO(docx_bytes(doc)))
    texts = cell_texts(document.tables[0])
    assert texts[0][0].splitlines()[0] == "UBND HUYỆN VỊ XUYÊN"
    assert texts[1][0].endswith(" /KH-UBND") and texts[1][0].startswith("Số:")
    assert texts[1][1] == "Vị Xuyên, ngày     tháng     năm 20.."
    assert len(document.sections) == 1


def test_docx_report_with_body_table_and_chart(tmp_path):
    chart = Chart(
        "Điểm PAPI theo chỉ số nội dung",
        "bar",
        ["Tham gia", "Công khai", "Trách nhiệm giải trình", "Kiểm soát tham nhũng"],
        [("2023", [5.12, 5.43, 4.21, 6.8]), ("2024", [5.3, Decimal("5.61"), 4.4, None])],
        value_label="Điểm",
    )
    stacked = Chart(
        "Tiến độ nhiệm vụ theo đơn vị",
        "stacked_bar",
        [f"UBND xã {name}" for name in ("Vị Xuyên", "Đạo Đức", "Việt Lâm", "Thuận Hòa", "Tùng Bá")],
        [
            ("Hoàn thành", [12, 9, 14, 7, 10]),
            ("Đang thực hiện", [3, 5, 1, 6, 2]),
            ("Chưa thực hiện", [0, 1, 0, 2, 3]),
        ],
    )
    numbers = Table(
        [
            Column("Đơn vị", 6.0),
            Column("Số nhiệm vụ", 3.0, "right"),
            Column("Tỷ lệ hoàn thành (%)", 4.0, "right", 1),
        ],
        [
            Row(["UBND xã Vị Xuyên", 15, 80.0]),
            Row(["UBND xã Đạo Đức", 1234, Decimal("64.25")]),
            Row(["Tổng cộng", 1249, 64.5], "total"),
        ],
    )
    doc = OfficialDocument(
        issuer="UBND XÃ VỊ XUYÊN",
        issuer_parent="UBND TỈNH TUYÊN QUANG",
        number_symbol="12/BC-UBND",
        place="Vị Xuyên",
        issued_on=dt.date(2025, 12, 5),
        doc_type="BÁO CÁO",
        title="Kết quả thực hiện Kế hoạch cải thiện Chỉ số PAPI năm 2025",
        sections=[Section("I. KẾT QUẢ", ["Kết quả như sau:", numbers, chart])],
        recipients=["UBND tỉnh", "Lưu: VT"],
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        signer_name="Nguyễn Văn A",
        appendices=[
            Appendix("PHỤ LỤC", "(Kèm theo Báo cáo số 12/BC-UBND)", charts=[stacked], landscape=False)
        ],
    )
    path = tmp_path / "bao-cao.docx"
    write_docx(doc, path)
    document = Document(path)
    body_table = document.tables[1]
    assert cell_texts(body_table) == [
        ["Đơn vị", "Số nhiệm vụ", "Tỷ lệ hoàn thành (%)"],
        ["UBND xã Vị Xuyên", "15", "80,0"],
        ["UBND xã Đạo Đức", "1.234", "64,3"],
        ["Tổng cộng", "1.249", "64,5"],
    ]
    assert all(run.bold for cell in body_table.rows[3].cells for p in cell.paragraphs for run in p.runs)
    assert body_table.rows[1].cells[1].paragraphs[0].alignment == 2  # right
    pictures = document.inline_shapes
    assert len(pictures) == 2
    assert pictures[0].width.cm == pytest.approx(min(16.5, 24.0), abs=0.05)
    signature = [p.text for p in document.tables[2].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    assert document.sections[1].orientation == WD_ORIENT.PORTRAIT
    # The last text paragraph gets "./." even though a table and a chart follow it.
    assert "Kết quả như sau./." in [p.text for p in document.paragraphs]


def test_docx_cleans_pasted_control_characters_and_line_ends():
    table = Table(
        [Column("Nhiệm vụ", 8.0), Column("Ghi chú", 4.0)], [Row(["Dòng 1\x0bDòng 2\r\nDòng 3", "a\x00b\x07"])]
    )
    doc = vi_xuyen_plan(
        title="Tiêu đề\r\ndòng hai",
        preamble=["Đoạn\x0cmở đầu."],
        appendices=[Appendix("PHỤ LỤC", table=table)],
    )
    document = Document(io.BytesIO(docx_bytes(doc)))
    cells = document.tables[-1].rows[1].cells
    assert [p.text for p in cells[0].paragraphs] == ["Dòng 1", "Dòng 2", "Dòng 3"]
    assert cells[1].text == "ab"
    assert "Tiêu đề\ndòng hai" in [p.text for p in document.paragraphs]
    book = load_workbook(io.BytesIO(xlsx_bytes([("A", [], table)])))
    assert book.active["A2"].value == "Dòng 1\nDòng 2\nDòng 3"
    assert book.active["B2"].value == "ab"


def test_official_document_takes_keywords_only():
    with pytest.raises(TypeError):
        OfficialDocument("UBND HUYỆN VỊ XUYÊN", "154/KH-UBND", "Vị Xuyên", "KẾ HOẠCH", "Tiêu đề")


def test_docx_chart_falls_back_to_a_table_without_matplotlib(monkeypatch):
    import chiso.documents.docx_writer as writer

    monkeypatch.setattr(writer, "render_chart_png", lambda *args, **kwargs: None)
    chart = Chart("Tỷ lệ hồ sơ đúng hạn", "bar", ["Xã Vị Xuyên", "Xã Đạo Đức"], [("Quý I", [95.5, 88])])
    doc = vi_xuyen_plan(appendices=[Appendix("PHỤ LỤC", charts=[chart])])
    document = Document(io.BytesIO(docx_bytes(doc)))
    assert len(document.inline_shapes) == 0
    assert "Tỷ lệ hồ sơ đúng hạn" in [p.text for p in document.paragraphs]
    assert cell_texts(document.tables[-1]) == [
        ["Tiêu chí", "Quý I"],
        ["Xã Vị Xuyên", "95,5"],
        ["Xã Đạo Đức", "88"],
    ]


def test_chart_png_is_a_picture():
    png = render_chart_png(
        Chart("Điểm", "stacked_bar", ["Xã Vị Xuyên", "Xã Đạo Đức"], [("Đạt", [3, 4]), ("Chưa đạt", [1, 0])]),
        16,
        8,
    )
    assert png is not None and png.startswith(b"\x89PNG")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.size[0] == pytest.approx(16 / 2.54 * 200, abs=1)
    assert image.size[1] == pytest.approx(8 / 2.54 * 200, abs=1)


def test_docx_scales_wide_tables_to_the_page(tmp_path):
    columns = [Column(f"Cột {index}", 5.0, "right") for index in range(9)]
    table = Table(columns, [Row(list(range(9)))])
    doc = vi_xuyen_plan(appendices=[Appendix("PHỤ LỤC", table=table)])
    document = Document(io.BytesIO(docx_bytes(doc)))
    written = document.tables[-1]
    widths = [int(col.get(qn("w:w"))) for col in written._tbl.tblGrid.findall(qn("w:gridCol"))]
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert sum(widths) <= Cm(29.7 - 4.0).twips + 9
    assert sum(widths) * 635 == pytest.approx(text_width, rel=0.01)
    assert written.rows[1].cells[0].paragraphs[0].runs[0].font.size.pt == 11


def test_docx_large_table_is_fast(tmp_path):
    import time

    rows = []
    for group in range(1, 21):
        rows.append(Row([str(group), f"Chỉ số nội dung {group}"], "group"))
        rows.extend(
            Row(
                [
                    f"{group}.{i}",
                    "Tiêu chí",
                    "Nhiệm vụ " * 20,
                    "100%",
                    "Phòng Nội vụ",
                    "UBND các xã",
                    "Quý III/2025",
                ]
            )
            for i in range(1, 26)
        )
    doc = vi_xuyen_plan(appendices=[Appendix("PHỤ LỤC", table=Table(COLUMNS, rows))])
    started = time.perf_counter()
    data = docx_bytes(doc)
    elapsed = time.perf_counter() - started
    assert len(Document(io.BytesIO(data)).tables[2].rows) == 1 + 20 * 26
    assert elapsed < 20, f"520 rows took {elapsed:.1f}s"


# --- .xlsx ------------------------------------------------------------------------------------


def test_xlsx_table_values_merges_freeze_and_print(tmp_path):
    path = tmp_path / "phu-luc.xlsx"
    title = [
        "PHỤ LỤC",
        "NHIỆM VỤ CẢI THIỆN, NÂNG CAO CHỈ SỐ NỘI DUNG VÀ TIÊU CHÍ THÀNH PHẦN CHỈ SỐ PAPI",
        "(Kèm theo Kế hoạch số 154/KH-UBND ngày 31/5/2021 của UBND huyện Vị Xuyên)",
    ]
    write_table_xlsx([("Phụ lục", title, Table(COLUMNS, APPENDIX_ROWS))], path)
    book = load_workbook(path)
    sheet = book["Phụ lục"]
    assert [sheet.cell(row=r, column=1).value for r in (1, 2, 3)] == title
    header_row = len(title) + 2
    assert [c.value for c in sheet[header_row]] == [c.title for c in COLUMNS]
    assert all(c.font.b for c in sheet[header_row])
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.print_title_rows.replace("$", "") == f"{header_row}:{header_row}"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    for offset, row in enumerate(APPENDIX_ROWS, start=header_row + 1):
        values = [sheet.cell(row=offset, column=c).value for c in range(1, len(COLUMNS) + 1)]
        if row.kind == "group":
            assert values[:2] == list(row.cells)
            assert f"B{offset}:G{offset}" in merged
            assert sheet.cell(row=offset, column=2).font.b
        else:
            assert values == [value if value != "" else None for value in row.cells]
            assert sheet.cell(row=offset, column=3).alignment.wrap_text
    for r in (1, 2, 3):
        assert f"A{r}:G{r}" in merged
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width * 5
    assert sheet.cell(row=header_row + 2, column=3).font.name == "Times New Roman"


def test_xlsx_numbers_stay_numbers_and_text_stays_text():
    table = Table(
        [
            Column("TT", 1.0),
            Column("Đơn vị", 6.0),
            Column("Số hồ sơ", 3.0, "right"),
            Column("Tỷ lệ", 3.0, "right", 1),
        ],
        [
            Row(["1", "UBND xã Vị Xuyên", 1234, 95.5]),
            Row(["2", '=HYPERLINK("http://x")', 7, Decimal("64.25")]),
            Row(["", "Tổng cộng", 1241, None], "total"),
        ],
    )
    book = load_workbook(
        io.BytesIO(
            xlsx_bytes([("Báo cáo: quý [III]/2025 rất dài hơn ba mươi mốt ký tự", ["BÁO CÁO"], table)])
        )
    )
    sheet = book.worksheets[0]
    assert sheet.title == "Báo cáo quý III2025 rất dài hơn"  # []:/ dropped, cut at 31 characters
    first = 4
    assert sheet.cell(row=first, column=1).value == "1"
    assert sheet.cell(row=first, column=1).data_type == "s"
    assert sheet.cell(row=first, column=3).value == 1234
    assert sheet.cell(row=first, column=3).data_type == "n"
    assert sheet.cell(row=first, column=3).number_format == "#,##0"
    assert sheet.cell(row=first, column=4).value == 95.5
    assert sheet.cell(row=first, column=4).number_format == "#,##0.0"
    assert sheet.cell(row=first + 1, column=4).value == pytest.approx(64.25)
    assert sheet.cell(row=first + 1, column=4).data_type == "n"
    # A text that looks like a formula stays text.
    assert sheet.cell(row=first + 1, column=2).data_type == "s"
    assert sheet.cell(row=first + 1, column=2).value.startswith("=HYPERLINK")
    assert sheet.cell(row=first + 2, column=3).font.b
    assert sheet.cell(row=first + 2, column=4).value is None


def test_xlsx_several_sheets_with_unique_names(tmp_path):
    table = Table([Column("A", 3.0)], [Row(["x"])])
    path = tmp_path / "tong-hop.xlsx"
    write_table_xlsx([("PAPI", ["PAPI"], table), ("PAPI", ["PAPI 2"], table), ("", [], table)], path)
    names = load_workbook(path).sheetnames
    assert len(names) == 3 and len(set(names)) == 3 and names[0] == "PAPI"
    sheet = load_workbook(path).worksheets[2]
    assert sheet.cell(row=1, column=1).value == "A"  # no title rows: the header comes first
    assert sheet.freeze_panes == "A2"


# --- rendering with LibreOffice ----------------------------------------------------------------


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_docx_renders_to_pdf_with_libreoffice(plan_docx, tmp_path):
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("CHISO_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (CHISO_REQUIRE_LIBREOFFICE=1) but not on PATH")
        pytest.skip(
            "LibreOffice (soffice/libreoffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    import pdfplumber

    outdir = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(plan_docx),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    pdf = outdir / (Path(plan_docx).stem + ".pdf")
    with pdfplumber.open(pdf) as rendered:
        pages = rendered.pages
        assert len(pages) >= 1
        first = pages[0].extract_text()
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
        assert "Số: 154/KH-UBND" in first
        assert "Vị Xuyên, ngày 31 tháng 5 năm 2021" in first
        assert pages[0].width < pages[0].height  # portrait
        assert pages[-1].width > pages[-1].height  # the appendix is landscape
        assert pages[1].extract_text().splitlines()[0].strip() == "2"  # page number from page 2
        assert not first.splitlines()[0].strip().isdigit()
        text = "\n".join(page.extract_text() for page in pages)
        assert "Nơi nhận:" in text and "Hoàng Thanh Tịnh" in text
        landscape = [page for page in pages if page.width > page.height]
        # The header row is repeated on every landscape page of the appendix.
        assert all("Nhiệm vụ trọng tâm" in page.extract_text() for page in landscape)

"""A unit's own criteria set loaded from a spreadsheet into a new version of its custom framework.

Each province issues its own set for its departments, districts or communes (DDCI-style indices,
PAR INDEX of departments). The spreadsheet (.xlsx/.csv, the template of `template_xlsx`) has one
row per criterion: code, parent code, name, maximum points (and optionally English name, weight,
note). Rows without a parent are dimensions, their children sub-dimensions, theirs indicators.

The rules (the same for the page and the API):

* the framework is a custom one the user may change (COORDINATE on its owner); the version's
  code, name and years pass `VersionForm`;
* every row passes `CriterionRowForm` (name required, maximum points and weight numbers ≥ 0 with
  a decimal comma or point);
* across rows: a code twice (compared without case and spaces), a parent code that names no row,
  a loop in parent codes, more than three levels, children whose maximum points add up to more
  than their parent's — each rejected with the row number the spreadsheet shows and the reason;
* any rejected row: nothing is saved. Otherwise one transaction creates the version and every
  criterion through `services.create_version` / `services.save_criterion` (permission re-checked,
  `check_criterion` applied, each save audited).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.numbers import decimal_text
from chiso.core.text import nfc
from chiso.documents.model import Column, Row, Table
from chiso.documents.sheets import ColumnSpec, RowError, read_records, row_messages
from chiso.documents.xlsx_writer import xlsx_bytes
from chiso.frameworks import services
from chiso.frameworks.forms import REQUIRED, CriterionPointsFields
from chiso.frameworks.models import Criterion, CriterionLevel, FrameworkVersion

COLUMNS: list[ColumnSpec] = [
    ColumnSpec("code", "Mã (code)", ("mã", "mã tiêu chí", "mã số"), required=True),
    ColumnSpec("parent_code", "Mã tiêu chí cha (parent_code)", ("mã cha", "thuộc", "parent", "tiêu chí cha")),
    ColumnSpec(
        "name_vi",
        "Tên tiêu chí (name)",
        ("tên", "tên tiêu chí", "nội dung", "tiêu chí", "name"),
        required=True,
    ),
    ColumnSpec("max_points", "Điểm tối đa (max_points)", ("điểm tối đa", "điểm chuẩn", "điểm", "max points")),
    ColumnSpec("name_en", "Tên tiếng Anh (name_en)", ("tên tiếng anh",)),
    ColumnSpec("weight", "Trọng số (weight)", ("trọng số",)),
    ColumnSpec("note", "Ghi chú (note)", ("ghi chú",)),
]
LEVELS = [CriterionLevel.DIMENSION, CriterionLevel.SUBDIMENSION, CriterionLevel.INDICATOR]
EXAMPLE = [
    ["1", "", "Công tác chỉ đạo, điều hành", "10"],
    ["1.1", "1", "Ban hành kế hoạch cải cách hành chính năm", "4"],
    ["1.1.1", "1.1", "Ban hành kế hoạch đúng thời hạn", "2"],
    ["1.2", "1", "Tuyên truyền cải cách hành chính", "6"],
    ["2", "", "Thủ tục hành chính", "15"],
]


class CriterionRowForm(CriterionPointsFields):
    """One row of a criteria spreadsheet (the place in the tree is checked across rows)."""

    parent_code = forms.CharField(label=gettext_lazy("Mã tiêu chí cha"), required=False, max_length=30)

    class Meta:
        model = Criterion
        fields = ["code", "name_vi", "name_en", "max_points", "weight", "note"]
        labels = {
            "code": gettext_lazy("Mã"),
            "name_vi": gettext_lazy("Tên tiêu chí"),
            "note": gettext_lazy("Ghi chú"),
        }
        error_messages = {"code": REQUIRED, "name_vi": REQUIRED}

    def clean_code(self):
        return nfc(self.cleaned_data["code"]).replace(" ", "")

    def clean_parent_code(self):
        return nfc(self.cleaned_data["parent_code"]).replace(" ", "")

    def clean_name_vi(self):
        return nfc(self.cleaned_data["name_vi"])


@dataclass
class UploadResult:
    errors: list[RowError] = field(default_factory=list)
    version: FrameworkVersion | None = None
    count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Item:
    number: int
    data: dict
    depth: int = 0

    @property
    def key(self) -> str:
        return self.data["code"].lower()

    @property
    def parent_key(self) -> str:
        return self.data["parent_code"].lower()


def read_items(data: bytes, filename: str) -> tuple[list[_Item], list[RowError]]:
    """Every row through `CriterionRowForm` and the checks across rows."""
    records, file_errors = read_records(data, filename, COLUMNS)
    if file_errors:
        return [], file_errors
    items: list[_Item] = []
    errors: dict[int, list[str]] = {}
    rejected_codes = set()
    for number, record in records:
        form = CriterionRowForm(record)
        if form.is_valid():
            items.append(_Item(number, form.cleaned_data))
        else:
            errors[number] = row_messages(form)
            rejected_codes.add(record.get("code", "").replace(" ", "").lower())
    _check_tree(items, errors, rejected_codes)
    rejected = [RowError(number, "; ".join(messages)) for number, messages in sorted(errors.items())]
    return items, rejected


def _check_tree(items: list[_Item], errors: dict[int, list[str]], rejected_codes: set[str]) -> None:
    """Duplicates, missing parents (a parent rejected for its own reasons is not "missing"),
    loops, depth, and children's points above their parent's; sets each item's depth."""
    by_code: dict[str, _Item] = {}
    for item in items:
        if item.key in by_code:
            errors.setdefault(item.number, []).append(
                _("Mã “%(c)s” trùng với dòng %(n)s.")
                % {"c": item.data["code"], "n": by_code[item.key].number}
            )
        else:
            by_code[item.key] = item
    for item in items:
        if item.parent_key and item.parent_key not in by_code and item.parent_key not in rejected_codes:
            errors.setdefault(item.number, []).append(
                _("Không có tiêu chí mã “%(p)s” (tiêu chí cha) trong tệp.") % {"p": item.data["parent_code"]}
            )
    for item in by_code.values():
        chain = [item]
        while chain[-1].parent_key in by_code:
            parent = by_code[chain[-1].parent_key]
            if parent in chain:
                if parent is item:
                    path = " → ".join(c.data["code"] for c in [*chain, item])
                    errors.setdefault(item.number, []).append(
                        _("Mã tiêu chí cha tạo thành vòng lặp: %(path)s.") % {"path": path}
                    )
                break
            chain.append(parent)
        else:
            item.depth = len(chain) - 1
            if item.depth >= len(LEVELS):
                errors.setdefault(item.number, []).append(
                    _("Quá ba cấp: chỉ số nội dung → nội dung thành phần → chỉ tiêu (mã cha “%(p)s”).")
                    % {"p": item.data["parent_code"]}
                )
    children: dict[str, list[_Item]] = {}
    for item in by_code.values():
        children.setdefault(item.parent_key, []).append(item)
    for item in by_code.values():
        maximum = item.data["max_points"]
        points = [
            c.data["max_points"] for c in children.get(item.key, []) if c.data["max_points"] is not None
        ]
        if maximum is not None and points and sum(points) > maximum:
            rows = ", ".join(str(c.number) for c in children[item.key])
            errors.setdefault(item.number, []).append(
                _(
                    "Tổng điểm tối đa của các tiêu chí con (dòng %(rows)s) là %(sum)s, lớn hơn %(max)s của tiêu chí này."
                )
                % {"rows": rows, "sum": decimal_text(sum(points)), "max": decimal_text(maximum)}
            )


class _Rollback(Exception):
    def __init__(self, error: RowError):
        self.error = error


def upload_criteria(user, version: FrameworkVersion, data: bytes, filename: str) -> UploadResult:
    """Create `version` (unsaved, of a custom framework) with the criteria of the spreadsheet."""
    items, errors = read_items(data, filename)
    if errors:
        return UploadResult(errors)
    if not items:
        return UploadResult([RowError(None, _("Tệp không có dòng tiêu chí nào."))])
    by_key = {item.key: item for item in items}
    saved: dict[str, Criterion] = {}
    positions: dict[str, int] = {}
    try:
        with transaction.atomic():
            services.create_version(user, version)
            for item in sorted(items, key=lambda i: (i.depth, i.number)):
                d = item.data
                positions[item.parent_key] = positions.get(item.parent_key, 0) + 10
                criterion = Criterion(
                    version=version,
                    parent=saved.get(item.parent_key) if item.parent_key in by_key else None,
                    level=LEVELS[item.depth],
                    code=d["code"],
                    name_vi=d["name_vi"],
                    name_en=d["name_en"],
                    max_points=d["max_points"],
                    weight=d["weight"],
                    note=d["note"],
                    position=positions[item.parent_key],
                    source=_("Tải lên từ tệp %(f)s.") % {"f": filename} if filename else "",
                )
                try:
                    services.save_criterion(user, criterion)
                except ValidationError as exc:
                    raise _Rollback(RowError(item.number, " ".join(exc.messages))) from exc
                saved[item.key] = criterion
    except _Rollback as rollback:
        version.pk = None
        version._state.adding = True
        return UploadResult([rollback.error])
    return UploadResult(version=version, count=len(saved))


def template_xlsx() -> bytes:
    columns = [Column(spec.title, 7 if spec.key == "name_vi" else 3) for spec in COLUMNS]
    example = Table(columns, [Row([*r, None, None, None]) for r in EXAMPLE])
    guide = Table(
        [Column(_("Cột"), 6), Column(_("Cách nhập"), 16)],
        [
            Row([COLUMNS[0].title, _("Mã in trong văn bản, ví dụ 1, 1.2, 1.2.3; không trùng nhau.")]),
            Row(
                [
                    COLUMNS[1].title,
                    _("Để trống với chỉ số nội dung (lĩnh vực); mã của dòng cha với các cấp dưới."),
                ]
            ),
            Row([COLUMNS[2].title, _("Bắt buộc.")]),
            Row(
                [
                    COLUMNS[3].title,
                    _(
                        "Số không âm, dấu phẩy hoặc dấu chấm; tổng điểm các tiêu chí con không vượt tiêu chí cha."
                    ),
                ]
            ),
        ],
    )
    # The example is a sheet of its own: the first sheet (read on upload) starts empty.
    return xlsx_bytes(
        [(_("Bộ tiêu chí"), [], Table(columns)), (_("Ví dụ"), [], example), (_("Hướng dẫn"), [], guide)]
    )

"""Importing observations: rows of a .csv/.xlsx file, or items posted to the API.

A file is read by `chiso.documents.sheets` with the columns of `COLUMNS`: the one-stop-shop
systems export tables with a title above the header and their own column names, so the header
is found by meaning among the first rows, a column is also recognised by one of its names among
other words ("Tỷ lệ hồ sơ đúng hạn (%)" is the value), "Đơn vị tính" is not the unit, and the
.csv separator is the one whose header names the most columns. An Excel cell formatted as a
percentage (shows 96,2%, holds 0.962) is read as 96.2; a number cell as the number it holds
(1.234 stays 1.234: only typed text groups thousands). Rows with nothing in the known columns
are left out; at most `MAX_ROWS` rows.

Rules:

- every row goes through `ObservationRowForm` (unit, measure, period, value and range checks);
- a row repeating the unit, measure and period of an earlier row is refused as a duplicate;
- a row whose unit, measure and period already have an observation: the same value is left as
  it is ("không đổi"); a different value is refused, unless `replace` is set, when it replaces
  the old one (the change audited with both values);
- all or nothing: when any row is refused, nothing is saved and every refused row is reported
  with its number and its reasons in Vietnamese; otherwise every row is saved in one transaction,
  each creation and change audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.audit import record_bulk_create, save_audited
from chiso.core.numbers import decimal_text
from chiso.core.vndates import short_date
from chiso.documents.sheets import ColumnSpec, cell_text, read_rows
from chiso.measures.forms import ObservationRowForm, Resolver
from chiso.measures.models import Observation

AUDIT_NOTE = "import_measures"
MAX_ROWS = 20000
IGNORED = "ignored"


def _column(key: str, title: str, *aliases: str, percent: bool = False) -> ColumnSpec:
    return ColumnSpec(key, title, aliases, loose=True, percent=percent)


COLUMNS = [
    _column("unit", "Mã đơn vị", "đơn vị", "cơ quan", "địa phương", "unit code", "unit"),
    _column("unit_name", "Tên đơn vị", "tên cơ quan"),
    _column("measure", "Mã số liệu", "số liệu", "chỉ tiêu", "mã chỉ tiêu", "measure code", "measure"),
    _column("measure_name", "Tên số liệu", "tên chỉ tiêu"),
    _column("period_start", "Từ ngày", "ngày bắt đầu", "bắt đầu", "start"),
    _column("period_end", "Đến ngày", "ngày kết thúc", "kết thúc", "end"),
    _column("period", "Kỳ số liệu", "kỳ báo cáo", "kỳ", "thời gian", "giai đoạn"),
    _column("value", "Giá trị", "tỷ lệ", "kết quả", percent=True),
    _column("source", "Nguồn", "nguồn số liệu"),
    _column("note", "Ghi chú"),
    # Read and dropped: "Đơn vị tính" is not the unit, a row number is not a value.
    ColumnSpec(IGNORED, "Đơn vị tính", ("đvt", "stt", "tt", "số thứ tự")),
]
ANY_OF = [("unit", "unit_name"), ("measure", "measure_name")]


class TableError(ValueError):
    """The file cannot be read as an observations table (the message is for the user)."""


@dataclass
class RowError:
    number: int
    reasons: list[str]

    def message(self, word: str | None = None) -> str:
        return _("%(w)s %(n)d: %(r)s") % {
            "w": word or _("Dòng"),
            "n": self.number,
            "r": " ".join(_cap(r) for r in self.reasons),
        }


def _cap(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


@dataclass
class ImportResult:
    created: list[Observation] = field(default_factory=list)
    updated: list[Observation] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return _("Không lưu dòng nào: %(e)d/%(n)d dòng bị từ chối.") % {
                "e": len(self.errors),
                "n": self.rows,
            }
        return _("Đã nhập %(n)d dòng: %(c)d thêm mới, %(u)d thay thế, %(s)d không đổi.") % {
            "n": self.rows,
            "c": len(self.created),
            "u": len(self.updated),
            "s": self.unchanged,
        }


def import_observations(
    rows: Iterable[tuple[int, Mapping]], user, actor, replace: bool = False
) -> ImportResult:
    """Validate every (row number, values) and save them all, or nothing (see the module's rules).

    `user`: whose scope the units are checked against (None for a command: no scope check);
    `actor`: who the audit log names.
    """
    resolver = Resolver(user)
    result = ImportResult()
    valid: list[tuple[int, dict]] = []
    seen: dict[tuple, int] = {}
    for number, values in rows:
        result.rows += 1
        form = ObservationRowForm(values, resolver=resolver)
        if not form.is_valid():
            result.errors.append(RowError(number, form.reasons()))
            continue
        data = form.cleaned_data
        key = (data["unit_obj"].pk, data["measure"].pk, data["start"], data["end"])
        if key in seen:
            result.errors.append(
                RowError(
                    number,
                    [_("trùng với dòng %(n)d (cùng đơn vị, số liệu và kỳ).") % {"n": seen[key]}],
                )
            )
            continue
        seen[key] = number
        valid.append((number, data))
    existing = _existing(seen)
    pending_updates: list[tuple[Observation, dict]] = []
    pending_creates: list[dict] = []
    for number, data in valid:
        key = (data["unit_obj"].pk, data["measure"].pk, data["start"], data["end"])
        old = existing.get(key)
        if old is None:
            pending_creates.append(data)
        elif old.value == data["value"]:
            result.unchanged += 1
        elif replace:
            pending_updates.append((old, data))
        else:
            result.errors.append(
                RowError(
                    number,
                    [
                        _(
                            "đã có giá trị %(old)s của %(u)s cho số liệu “%(m)s” kỳ %(s)s–%(e)s (khác %(new)s); "
                            "chọn “Thay thế số liệu đã có” (--replace) nếu muốn ghi đè."
                        )
                        % {
                            "old": decimal_text(old.value),
                            "new": decimal_text(data["value"]),
                            "u": data["unit_obj"].name,
                            "m": data["measure"].name,
                            "s": short_date(data["start"]),
                            "e": short_date(data["end"]),
                        }
                    ],
                )
            )
    if result.errors:
        result.errors.sort(key=lambda e: e.number)
        return result
    creator = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        objects = [
            Observation(
                measure=d["measure"],
                unit=d["unit_obj"],
                period_start=d["start"],
                period_end=d["end"],
                value=d["value"],
                source=d.get("source", ""),
                note=d.get("note", ""),
                created_by=creator,
            )
            for d in pending_creates
        ]
        Observation.objects.bulk_create(objects, batch_size=1000)
        record_bulk_create(actor, objects, note=AUDIT_NOTE)
        for old, data in pending_updates:
            old.value = data["value"]
            old.source = data.get("source") or old.source
            old.note = data.get("note") or old.note
            save_audited(old, actor, note=AUDIT_NOTE)
    result.created = objects
    result.updated = [o for o, _d in pending_updates]
    return result


def _existing(keys: Mapping[tuple, int]) -> dict[tuple, Observation]:
    if not keys:
        return {}
    unit_ids = {k[0] for k in keys}
    measure_ids = {k[1] for k in keys}
    found = Observation.objects.filter(unit_id__in=unit_ids, measure_id__in=measure_ids).select_related(
        "measure", "unit"
    )
    return {key: o for o in found if (key := (o.unit_id, o.measure_id, o.period_start, o.period_end)) in keys}


def read_file(name: str, data: bytes) -> list[tuple[int, dict]]:
    """The rows of an uploaded .csv/.xlsx by field: the value as the cell holds it, the rest as
    text; `TableError` when the file cannot be read as an observations table."""
    if not name.lower().endswith((".csv", ".xlsx")):
        raise TableError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
    records, errors = read_rows(data, name, COLUMNS, any_of=ANY_OF)
    if errors:
        raise TableError(" ".join(str(e) for e in errors))
    rows = []
    for number, record in records:
        record.pop(IGNORED, None)
        values = {key: value if key == "value" else cell_text(value) for key, value in record.items()}
        if any(value not in (None, "") for value in values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise TableError(_("Tệp có quá %(n)d dòng số liệu; hãy chia thành nhiều tệp.") % {"n": MAX_ROWS})
    return rows


def import_file(name: str, data: bytes, user, actor, replace: bool = False) -> ImportResult:
    """Import an uploaded .csv/.xlsx (raises `TableError` when the file cannot be read as a table)."""
    return import_observations(read_file(name, data), user, actor, replace=replace)

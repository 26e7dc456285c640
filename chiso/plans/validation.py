"""Checking what users send for plans and tasks: one set of rules for pages, the API and imports.

`clean_plan_input` and `clean_task_input` take a mapping (a form's POST data or an API's JSON)
and return typed inputs, or raise `ValidationError({field: [message]})` with Vietnamese messages
that name the field. They read the database but never write it; `chiso.plans.services` writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.numbers import parse_decimal
from chiso.core.text import nfc
from chiso.core.vndates import short_date
from chiso.frameworks.models import Criterion, FrameworkVersion
from chiso.units.models import Unit

PLAN_LABELS = {
    "issuer": gettext_lazy("Cơ quan ban hành"),
    "number_symbol": gettext_lazy("Số, ký hiệu"),
    "place": gettext_lazy("Địa danh"),
    "issued_on": gettext_lazy("Ngày ban hành"),
    "title": gettext_lazy("Trích yếu"),
    "year_from": gettext_lazy("Từ năm"),
    "year_to": gettext_lazy("Đến năm"),
    "frameworks": gettext_lazy("Bộ chỉ số"),
    "upper_plan": gettext_lazy("Thực hiện kế hoạch cấp trên"),
    "preamble": gettext_lazy("Căn cứ, mở đầu"),
    "appendix_title": gettext_lazy("Tên phụ lục nhiệm vụ"),
    "recipients": gettext_lazy("Nơi nhận"),
    "signer_authority": gettext_lazy("Thẩm quyền ký"),
    "signer_title": gettext_lazy("Chức vụ người ký"),
    "signer_name": gettext_lazy("Người ký"),
    "issuer_label": gettext_lazy("Tên cơ quan ban hành trên văn bản"),
    "issuer_parent_label": gettext_lazy("Tên cơ quan chủ quản trên văn bản"),
    "lower_plan_due_on": gettext_lazy("Hạn ban hành kế hoạch cấp dưới"),
    "lower_plan_due_working_days": gettext_lazy("Số ngày làm việc để cấp dưới ban hành kế hoạch"),
    "sections": gettext_lazy("Nội dung"),
    "references": gettext_lazy("Văn bản liên quan"),
    "deadlines": gettext_lazy("Hạn báo cáo"),
    "version": gettext_lazy("Phiên bản"),
}

TASK_LABELS = {
    "group_code": gettext_lazy("Số nhóm"),
    "group_title": gettext_lazy("Nhóm (chỉ số nội dung)"),
    "number": gettext_lazy("TT"),
    "criterion_label": gettext_lazy("Nội dung thành phần"),
    "criteria": gettext_lazy("Tiêu chí"),
    "text": gettext_lazy("Nhiệm vụ"),
    "target_text": gettext_lazy("Chỉ tiêu"),
    "target_metric": gettext_lazy("Chỉ tiêu đo được: đại lượng"),
    "target_op": gettext_lazy("Chỉ tiêu đo được: so sánh"),
    "target_value": gettext_lazy("Chỉ tiêu đo được: giá trị"),
    "target_unit": gettext_lazy("Chỉ tiêu đo được: đơn vị tính"),
    "output": gettext_lazy("Kết quả, sản phẩm"),
    "leads": gettext_lazy("Đơn vị chủ trì"),
    "partners": gettext_lazy("Đơn vị phối hợp"),
    "lead_text": gettext_lazy("Đơn vị chủ trì (như văn bản)"),
    "partners_text": gettext_lazy("Đơn vị phối hợp (như văn bản)"),
    "timeframe_text": gettext_lazy("Thời gian thực hiện"),
    "start_on": gettext_lazy("Bắt đầu"),
    "end_on": gettext_lazy("Kết thúc"),
    "due_on": gettext_lazy("Hạn hoàn thành"),
    "parent_task": gettext_lazy("Nhiệm vụ cấp trên"),
    "note": gettext_lazy("Ghi chú"),
    "version": gettext_lazy("Phiên bản"),
}

TEXT_LIMITS = {
    "place": 100,
    "title": 500,
    "signer_authority": 100,
    "signer_title": 100,
    "signer_name": 100,
    "issuer_label": 300,
    "issuer_parent_label": 300,
    "appendix_title": 500,
    "group_code": 20,
    "group_title": 300,
    "number": 20,
    "criterion_label": 500,
    "target_metric": 200,
    "target_unit": 40,
    "lead_text": 500,
    "timeframe_text": 300,
}

_NUMBER_SYMBOL = re.compile(r"^\s*(\d{0,6}[a-zA-Z]?)\s*/\s*(\S{1,60})\s*$")
_DATE_LIKE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})(?![\d/])")
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
OPS = {">=", ">", "=", "<=", "<"}
OP_ALIASES = {"≥": ">=", "≤": "<=", "==": "="}


class Errors:
    """Collects {field: [messages]} and raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _has(data: Mapping, key: str) -> bool:
    return key in data


def get_value(data: Mapping, key: str, default: Any = "") -> Any:
    """One value from POST data (a QueryDict: its last value) or JSON."""
    if key not in data:
        return default
    value = data.get(key)
    return default if value is None else value


def get_list(data: Mapping, key: str) -> list:
    """A list from POST data (repeated keys) or JSON (a list, or one comma-separated string)."""
    if hasattr(data, "getlist"):
        values = data.getlist(key)
        if len(values) == 1 and isinstance(values[0], str) and "," in values[0]:
            values = values[0].split(",")
    else:
        values = data.get(key) or []
        if isinstance(values, str):
            values = values.split(",")
        elif not isinstance(values, list | tuple):
            values = [values]
    return [v.strip() if isinstance(v, str) else v for v in values if v not in ("", None)]


def text_value(data: Mapping, key: str, errors: Errors, labels: Mapping, default: str = "") -> str:
    raw = get_value(data, key, default)
    if not isinstance(raw, str):
        raw = str(raw)
    if key in ("preamble", "recipients", "partners_text", "text", "target_text", "output", "note"):
        value = "\n".join(nfc(line) for line in raw.replace("\r\n", "\n").split("\n")).strip()
    else:
        value = nfc(raw)
    limit = TEXT_LIMITS.get(key)
    if limit and len(value) > limit:
        errors.add(
            key,
            _("%(field)s: dài quá %(limit)d ký tự (hiện có %(n)d).")
            % {"field": labels[key], "limit": limit, "n": len(value)},
        )
    return value


def parse_date(value: Any, label: str) -> dt.date | None:
    """A date from "31/5/2021", "2021-05-31" or a date; a clear message when it does not exist."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if not match:
            raise ValidationError(
                _(
                    "%(field)s: “%(value)s” không phải là ngày (nhập theo dạng ngày/tháng/năm, ví dụ 31/5/2021)."
                )
                % {"field": label, "value": text}
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("%(field)s: ngày “%(value)s” không tồn tại.") % {"field": label, "value": text}
        ) from None


def _date_field(data: Mapping, key: str, errors: Errors, labels: Mapping, default=None) -> dt.date | None:
    if key not in data:
        return default
    try:
        return parse_date(data.get(key), str(labels[key]))
    except ValidationError as exc:
        errors.add(key, exc.messages[0])
        return None


def _int_field(data: Mapping, key: str, errors: Errors, labels: Mapping, default=None, low=None, high=None):
    if key not in data:
        return default
    raw = data.get(key)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors.add(
            key, _("%(field)s: “%(value)s” không phải là số nguyên.") % {"field": labels[key], "value": raw}
        )
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        errors.add(
            key,
            _("%(field)s: phải trong khoảng %(low)s–%(high)s.")
            % {"field": labels[key], "low": low, "high": high},
        )
        return None
    return value


def check_dates_in_text(text: str, key: str, errors: Errors, labels: Mapping) -> None:
    """Refuse a text that writes an impossible date ("trước ngày 31/02/2024")."""
    for day, month, year in _DATE_LIKE.findall(text):
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            errors.add(
                key,
                _("%(field)s: ngày “%(value)s” không tồn tại.")
                % {"field": labels[key], "value": f"{day}/{month}/{year}"},
            )


def parse_number_symbol(value: str) -> tuple[str, str]:
    """ "154/KH-UBND" → ("154", "KH-UBND"); "/KH-UBND" (no number yet) → ("", "KH-UBND")."""
    match = _NUMBER_SYMBOL.match(nfc(value))
    if not match:
        raise ValidationError(
            _("Số, ký hiệu: “%(value)s” không đúng dạng số/ký hiệu, ví dụ 154/KH-UBND.") % {"value": value}
        )
    return match.group(1), match.group(2)


# ---------------------------------------------------------------------------------------------
# Plans


@dataclass
class SectionInput:
    heading: str
    body: str
    depth: int = 1
    key: str = "other"


@dataclass
class ReferenceInput:
    kind: str
    number_symbol: str = ""
    issued_on: dt.date | None = None
    issuer_name: str = ""
    title: str = ""
    target_id: int | None = None


@dataclass
class DeadlineInput:
    label: str
    due_on: dt.date


@dataclass
class PlanInput:
    number: str
    symbol: str
    place: str
    issued_on: dt.date | None
    title: str
    year_from: int
    year_to: int
    frameworks: list[FrameworkVersion]
    upper_plan: Any
    preamble: str
    recipients: str
    signer_authority: str
    signer_title: str
    signer_name: str
    issuer_label: str
    issuer_parent_label: str
    appendix_title: str
    lower_plan_due_on: dt.date | None
    lower_plan_due_working_days: int | None
    sections: list[SectionInput] | None = None
    references: list[ReferenceInput] | None = None
    deadlines: list[DeadlineInput] | None = None
    version: int | None = None

    SIMPLE_FIELDS = (
        "number",
        "symbol",
        "place",
        "issued_on",
        "title",
        "year_from",
        "year_to",
        "preamble",
        "recipients",
        "signer_authority",
        "signer_title",
        "signer_name",
        "issuer_label",
        "issuer_parent_label",
        "appendix_title",
        "lower_plan_due_on",
        "lower_plan_due_working_days",
    )


def _sections(data: Mapping, errors: Errors) -> list[SectionInput] | None:
    """Sections from POST arrays (section_heading, section_body, section_depth, section_key) or JSON."""
    from chiso.plans.models import PlanSection

    if "sections" in data and not hasattr(data, "getlist"):
        items = data.get("sections") or []
        if not isinstance(items, list):
            errors.add("sections", _("Nội dung: phải là một danh sách các phần."))
            return None
    elif "section_heading" in data or "section_body" in data:
        headings = data.getlist("section_heading") if hasattr(data, "getlist") else data["section_heading"]
        bodies = data.getlist("section_body") if hasattr(data, "getlist") else data["section_body"]
        depths = data.getlist("section_depth") if hasattr(data, "getlist") else data.get("section_depth", [])
        keys = data.getlist("section_key") if hasattr(data, "getlist") else data.get("section_key", [])
        if len(headings) != len(bodies):
            errors.add("sections", _("Nội dung: số đề mục và số đoạn nội dung không khớp."))
            return None
        items = [
            {
                "heading": h,
                "body": b,
                "depth": depths[i] if i < len(depths) else 1,
                "key": keys[i] if i < len(keys) else "other",
            }
            for i, (h, b) in enumerate(zip(headings, bodies, strict=True))
        ]
    else:
        return None
    sections = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            errors.add("sections", _("Nội dung, phần %(n)d: không đọc được.") % {"n": number})
            continue
        heading = nfc(str(item.get("heading") or ""))
        body = "\n".join(
            nfc(line) for line in str(item.get("body") or "").replace("\r\n", "\n").split("\n")
        ).strip()
        if not heading and not body:
            continue  # an empty row of the form
        try:
            depth = int(item.get("depth") or 1)
        except (TypeError, ValueError):
            depth = 0
        if depth not in (1, 2, 3):
            errors.add("sections", _("Nội dung, phần %(n)d: cấp đề mục phải là 1, 2 hoặc 3.") % {"n": number})
            continue
        key = str(item.get("key") or "other")
        if key not in PlanSection.Key.values:
            errors.add("sections", _("Nội dung, phần %(n)d: loại nội dung không hợp lệ.") % {"n": number})
            continue
        if len(heading) > 500:
            errors.add("sections", _("Nội dung, phần %(n)d: đề mục dài quá 500 ký tự.") % {"n": number})
            continue
        sections.append(SectionInput(heading=heading, body=body, depth=depth, key=key))
    return sections


def _rows(
    data: Mapping, errors: Errors, *, key: str, message: str, columns: Mapping[str, str], counted_by: str
) -> list | None:
    """The rows of a repeated block: from parallel POST arrays `columns` ({name: POST key}; as many
    rows as values of `counted_by`, missing cells are ""), or the JSON list under `key`.
    None when the data carries neither (the block is left unchanged) or the JSON is not a list."""
    if hasattr(data, "getlist"):
        if columns[counted_by] not in data:
            return None
        lists = {name: data.getlist(post_key) for name, post_key in columns.items()}
        return [
            {name: (values[i] if i < len(values) else "") for name, values in lists.items()}
            for i in range(len(lists[counted_by]))
        ]
    if key not in data:
        return None
    items = data.get(key) or []
    if not isinstance(items, list):
        errors.add(key, message)
        return None
    return items


def _references(data: Mapping, errors: Errors) -> list[ReferenceInput] | None:
    from chiso.plans.models import PlanReference

    items = _rows(
        data,
        errors,
        key="references",
        message=_("Văn bản liên quan: phải là một danh sách."),
        columns={
            name: f"ref_{name}" for name in ("kind", "number_symbol", "issued_on", "issuer_name", "title")
        },
        counted_by="number_symbol",
    )
    if items is None:
        return None
    references = []
    for number, item in enumerate(items, start=1):
        number_symbol = nfc(str(item.get("number_symbol") or ""))
        title = nfc(str(item.get("title") or ""))
        if not number_symbol and not title and not item.get("target"):
            continue
        kind = str(item.get("kind") or PlanReference.Kind.IMPLEMENTS)
        if kind not in PlanReference.Kind.values:
            errors.add("references", _("Văn bản liên quan %(n)d: quan hệ không hợp lệ.") % {"n": number})
            continue
        try:
            issued_on = parse_date(
                item.get("issued_on"), _("Văn bản liên quan %(n)d, ngày ban hành") % {"n": number}
            )
        except ValidationError as exc:
            errors.add("references", exc.messages[0])
            continue
        references.append(
            ReferenceInput(
                kind=kind,
                number_symbol=number_symbol[:80],
                issued_on=issued_on,
                issuer_name=nfc(str(item.get("issuer_name") or ""))[:300],
                title=title[:500],
                target_id=int(item["target"]) if str(item.get("target") or "").isdigit() else None,
            )
        )
    return references


def _deadlines(data: Mapping, errors: Errors) -> list[DeadlineInput] | None:
    items = _rows(
        data,
        errors,
        key="deadlines",
        message=_("Hạn báo cáo: phải là một danh sách."),
        columns={"label": "deadline_label", "due_on": "deadline_due_on"},
        counted_by="label",
    )
    if items is None:
        return None
    deadlines = []
    for number, item in enumerate(items, start=1):
        label = nfc(str(item.get("label") or ""))
        raw_date = item.get("due_on")
        if not label and not raw_date:
            continue
        if not label:
            errors.add("deadlines", _("Hạn báo cáo %(n)d: thiếu nội dung báo cáo.") % {"n": number})
            continue
        try:
            due_on = parse_date(raw_date, _("Hạn báo cáo %(n)d") % {"n": number})
        except ValidationError as exc:
            errors.add("deadlines", exc.messages[0])
            continue
        if due_on is None:
            errors.add("deadlines", _("Hạn báo cáo %(n)d: thiếu ngày.") % {"n": number})
            continue
        deadlines.append(DeadlineInput(label=label[:300], due_on=due_on))
    return deadlines


def _version(data: Mapping, errors: Errors, required: bool) -> int | None:
    raw = get_value(data, "version", None)
    if raw in (None, ""):
        if required:
            errors.add("version", _("Phiên bản: thiếu số phiên bản của bản đang sửa."))
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        errors.add("version", _("Phiên bản: không hợp lệ."))
        return None


def clean_plan_input(
    data: Mapping, *, issuer: Unit, plan=None, user=None, partial: bool = False
) -> PlanInput:
    """Check a plan's fields. With `plan` and `partial`, missing fields keep the plan's values."""
    from chiso.plans.models import Plan, PlanState

    errors = Errors()
    keep = plan is not None and partial

    def current(name: str, default: Any = "") -> Any:
        return getattr(plan, name) if keep else default

    if "number_symbol" in data or not keep:
        raw_ns = get_value(data, "number_symbol", "")
        if str(raw_ns).strip():
            try:
                number, symbol = parse_number_symbol(str(raw_ns))
            except ValidationError as exc:
                errors.add("number_symbol", exc.messages[0])
                number, symbol = "", ""
        else:
            number, symbol = "", "KH-UBND" if plan is None else (plan.symbol or "KH-UBND")
    else:
        number, symbol = plan.number, plan.symbol

    texts = {}
    for name in (
        "place",
        "title",
        "preamble",
        "recipients",
        "signer_authority",
        "signer_title",
        "signer_name",
        "issuer_label",
        "issuer_parent_label",
        "appendix_title",
    ):
        texts[name] = (
            text_value(data, name, errors, PLAN_LABELS) if (name in data or not keep) else current(name)
        )
    if not texts["title"]:
        errors.add("title", _("Trích yếu: không được để trống."))

    issued_on = _date_field(data, "issued_on", errors, PLAN_LABELS, default=current("issued_on", None))
    lower_due = _date_field(
        data, "lower_plan_due_on", errors, PLAN_LABELS, default=current("lower_plan_due_on", None)
    )
    lower_days = _int_field(
        data,
        "lower_plan_due_working_days",
        errors,
        PLAN_LABELS,
        default=current("lower_plan_due_working_days", None),
        low=1,
        high=365,
    )
    this_year = timezone.localdate().year
    year_from = _int_field(
        data,
        "year_from",
        errors,
        PLAN_LABELS,
        default=current("year_from", None),
        low=2000,
        high=this_year + 10,
    )
    year_to = _int_field(
        data, "year_to", errors, PLAN_LABELS, default=current("year_to", None), low=2000, high=this_year + 15
    )
    if year_from is None and "year_from" not in errors.errors:
        errors.add("year_from", _("Từ năm: không được để trống."))
    if year_to is None and year_from is not None:
        year_to = year_from
    if year_from and year_to and year_to < year_from:
        errors.add("year_to", _("Đến năm: phải không nhỏ hơn “Từ năm” (%(y)d).") % {"y": year_from})
    if year_to and year_from and year_to - year_from > 10:
        errors.add("year_to", _("Đến năm: một kế hoạch kéo dài tối đa 10 năm."))
    if lower_due and lower_days:
        errors.add(
            "lower_plan_due_on",
            _(
                "Hạn ban hành kế hoạch cấp dưới: chọn một ngày cụ thể hoặc số ngày làm việc, không chọn cả hai."
            ),
        )

    frameworks: list[FrameworkVersion]
    if "frameworks" in data or not keep:
        ids = get_list(data, "frameworks")
        bad = [str(v) for v in ids if not str(v).isdigit()]
        found = (
            {
                v.pk: v
                for v in FrameworkVersion.objects.restrict(user).filter(
                    pk__in=[int(v) for v in ids if str(v).isdigit()]
                )
            }
            if user
            else {
                v.pk: v
                for v in FrameworkVersion.objects.filter(pk__in=[int(v) for v in ids if str(v).isdigit()])
            }
        )
        bad += [str(v) for v in ids if str(v).isdigit() and int(v) not in found]
        if bad:
            errors.add(
                "frameworks", _("Bộ chỉ số: không tìm thấy phiên bản “%(v)s”.") % {"v": ", ".join(bad)}
            )
        frameworks = [found[int(v)] for v in ids if str(v).isdigit() and int(v) in found]
    else:
        frameworks = list(plan.frameworks.all())

    upper_plan = current("upper_plan", None)
    if "upper_plan" in data:
        raw = get_value(data, "upper_plan", "")
        if str(raw).strip():
            upper_qs = Plan.objects.restrict(user) if user is not None else Plan.objects.all()
            upper_plan = upper_qs.filter(pk=int(raw)).first() if str(raw).isdigit() else None
            if upper_plan is None:
                errors.add(
                    "upper_plan",
                    _("Thực hiện kế hoạch cấp trên: không tìm thấy kế hoạch “%(v)s”.") % {"v": raw},
                )
            elif upper_plan.state == PlanState.DRAFT:
                errors.add("upper_plan", _("Thực hiện kế hoạch cấp trên: kế hoạch cấp trên chưa ban hành."))
            elif plan is not None and upper_plan.pk == plan.pk:
                errors.add(
                    "upper_plan", _("Thực hiện kế hoạch cấp trên: một kế hoạch không thể thực hiện chính nó.")
                )
        else:
            upper_plan = None

    if issued_on and year_from and issued_on.year > (year_to or year_from):
        errors.add(
            "issued_on", _("Ngày ban hành: năm %(y)d nằm sau thời kỳ của kế hoạch.") % {"y": issued_on.year}
        )

    # A number is unique for its issuer and year.
    if number and year_from and "number_symbol" not in errors.errors:
        number_year = issued_on.year if issued_on else year_from
        clash = Plan.objects.filter(issuer=issuer, number=number, symbol=symbol, number_year=number_year)
        if plan is not None:
            clash = clash.exclude(pk=plan.pk)
        other = clash.first()
        if other is not None:
            errors.add(
                "number_symbol",
                _("Số, ký hiệu: số %(ns)s năm %(y)d của %(unit)s đã dùng cho kế hoạch “%(title)s”.")
                % {"ns": f"{number}/{symbol}", "y": number_year, "unit": issuer.name, "title": other.title},
            )

    sections = _sections(data, errors)
    references = _references(data, errors)
    deadlines = _deadlines(data, errors)
    version = _version(data, errors, required=plan is not None)
    errors.raise_if_any()
    return PlanInput(
        number=number,
        symbol=symbol,
        place=texts["place"],
        issued_on=issued_on,
        title=texts["title"],
        year_from=year_from,
        year_to=year_to,
        frameworks=frameworks,
        upper_plan=upper_plan,
        preamble=texts["preamble"],
        recipients=texts["recipients"],
        signer_authority=texts["signer_authority"],
        signer_title=texts["signer_title"],
        signer_name=texts["signer_name"],
        issuer_label=texts["issuer_label"],
        issuer_parent_label=texts["issuer_parent_label"],
        appendix_title=texts["appendix_title"],
        lower_plan_due_on=lower_due,
        lower_plan_due_working_days=lower_days,
        sections=sections,
        references=references,
        deadlines=deadlines,
        version=version,
    )


# ---------------------------------------------------------------------------------------------
# Tasks


@dataclass
class Assignee:
    """A unit or a group, as picked ("unit:12", "group:3") with the label plans write."""

    unit: Unit | None = None
    group: Any = None
    label: str = ""

    @property
    def ref(self) -> str:
        return f"unit:{self.unit.pk}" if self.unit is not None else f"group:{self.group.pk}"

    @property
    def name(self) -> str:
        return self.label or (self.unit.name if self.unit is not None else self.group.name)


@dataclass
class TaskInput:
    group_code: str = ""
    group_title: str = ""
    number: str = ""
    criterion_label: str = ""
    text: str = ""
    target_text: str = ""
    target_metric: str = ""
    target_op: str = ""
    target_value: Decimal | None = None
    target_unit: str = ""
    output: str = ""
    lead_text: str = ""
    partners_text: str = ""
    timeframe_text: str = ""
    timeframe_kind: str = "unknown"
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    due_on: dt.date | None = None
    note: str = ""
    parent_task: Any = None
    criteria: list[Criterion] = field(default_factory=list)
    leads: list[Assignee] = field(default_factory=list)
    partners: list[Assignee] = field(default_factory=list)
    version: int | None = None

    SIMPLE_FIELDS = (
        "group_code",
        "group_title",
        "number",
        "criterion_label",
        "text",
        "target_text",
        "target_metric",
        "target_op",
        "target_value",
        "target_unit",
        "output",
        "lead_text",
        "partners_text",
        "timeframe_text",
        "timeframe_kind",
        "start_on",
        "end_on",
        "due_on",
        "note",
        "parent_task",
    )


def reference_date(plan) -> dt.date:
    """The day a plan's units and groups are read on: its issue date, else today (or its first year)."""
    if plan.issued_on:
        return plan.issued_on
    today = timezone.localdate()
    if plan.year_to < today.year:
        return dt.date(plan.year_from, 1, 1)
    return today


def resolve_assignees(refs: list, key: str, plan, user, errors: Errors) -> list[Assignee]:
    """ "unit:12" / "group:3" (or a bare unit id) → Assignee, refusing unknown, ended or out-of-scope units."""
    from chiso.plans.models import UnitGroup

    label = TASK_LABELS[key]
    day = reference_date(plan)
    unit_ids: list[int] = []
    group_ids: list[int] = []
    parsed: list[tuple[str, int, str]] = []
    for raw in refs:
        if isinstance(raw, Mapping):
            ref, name = str(raw.get("ref") or ""), nfc(str(raw.get("label") or ""))
        else:
            ref, name = str(raw), ""
        kind, _sep, pk = ref.partition(":") if ":" in ref else ("unit", "", ref)
        if kind not in ("unit", "group") or not pk.strip().isdigit():
            errors.add(key, _("%(field)s: không tìm thấy đơn vị “%(v)s”.") % {"field": label, "v": ref})
            continue
        parsed.append((kind, int(pk), name))
        (unit_ids if kind == "unit" else group_ids).append(int(pk))
    units_qs = Unit.objects.restrict(user) if user is not None else Unit.objects.all()
    groups_qs = UnitGroup.objects.restrict(user) if user is not None else UnitGroup.objects.all()
    units = {u.pk: u for u in units_qs.filter(pk__in=unit_ids)} if unit_ids else {}
    groups = {g.pk: g for g in groups_qs.filter(pk__in=group_ids)} if group_ids else {}
    result: list[Assignee] = []
    seen: set[str] = set()
    for kind, pk, name in parsed:
        if kind == "unit":
            unit = units.get(pk)
            if unit is None:
                errors.add(
                    key, _("%(field)s: không tìm thấy đơn vị “%(v)s”.") % {"field": label, "v": f"unit:{pk}"}
                )
                continue
            if not unit.is_valid_on(day):
                errors.add(
                    key,
                    _("%(field)s: đơn vị “%(unit)s” không còn hoặc chưa có hiệu lực vào ngày %(d)s.")
                    % {"field": label, "unit": unit.name, "d": short_date(day)},
                )
                continue
            assignee = Assignee(unit=unit, label=name[:300])
        else:
            group = groups.get(pk)
            if group is None:
                errors.add(
                    key,
                    _("%(field)s: không tìm thấy nhóm đơn vị “%(v)s”.")
                    % {"field": label, "v": f"group:{pk}"},
                )
                continue
            assignee = Assignee(group=group, label=name[:300])
        if assignee.ref in seen:
            continue
        seen.add(assignee.ref)
        result.append(assignee)
    return result


def clean_task_input(data: Mapping, *, plan, task=None, user=None, partial: bool = False) -> TaskInput:
    """Check a task's fields against its plan. With `task` and `partial`, missing fields keep their values."""
    from chiso.core.timeframes import parse_timeframe
    from chiso.plans.models import Task, TimeframeKind
    from chiso.plans.targets import parse_target

    errors = Errors()
    keep = task is not None and partial
    result = TaskInput()
    if keep:
        for name in TaskInput.SIMPLE_FIELDS:
            setattr(result, name, getattr(task, name))
        result.criteria = list(task.criteria.all())
        assignments = list(task.assignments.select_related("unit", "group"))
        result.leads = [Assignee(a.unit, a.group, a.label) for a in assignments if a.role == "lead"]
        result.partners = [Assignee(a.unit, a.group, a.label) for a in assignments if a.role == "partner"]

    for name in (
        "group_code",
        "group_title",
        "number",
        "criterion_label",
        "text",
        "target_text",
        "target_metric",
        "target_unit",
        "output",
        "lead_text",
        "partners_text",
        "timeframe_text",
        "note",
    ):
        if name in data or not keep:
            setattr(result, name, text_value(data, name, errors, TASK_LABELS))
    if not result.text:
        errors.add("text", _("Nhiệm vụ: không được để trống."))

    # Criteria: ids of criteria of the framework versions the plan addresses.
    if "criteria" in data or not keep:
        ids = get_list(data, "criteria")
        numeric = [int(v) for v in ids if str(v).isdigit()]
        found = {c.pk: c for c in Criterion.objects.filter(pk__in=numeric).select_related("version")}
        versions = {v.pk for v in plan.frameworks.all()}
        criteria = []
        for raw in ids:
            criterion = found.get(int(raw)) if str(raw).isdigit() else None
            if criterion is None:
                errors.add("criteria", _("Tiêu chí: không tìm thấy tiêu chí “%(v)s”.") % {"v": raw})
            elif versions and criterion.version_id not in versions:
                errors.add(
                    "criteria",
                    _("Tiêu chí: “%(c)s” thuộc %(v)s, không thuộc bộ chỉ số của kế hoạch.")
                    % {"c": str(criterion), "v": criterion.version.name},
                )
            elif criterion not in criteria:
                criteria.append(criterion)
        result.criteria = criteria

    for key in ("leads", "partners"):
        if key in data or not keep:
            setattr(result, key, resolve_assignees(get_list(data, key), key, plan, user, errors))

    # The measurable target: given explicitly, or read from the target text.
    op = OP_ALIASES.get(
        str(get_value(data, "target_op", "")).strip(), str(get_value(data, "target_op", "")).strip()
    )
    raw_value = str(get_value(data, "target_value", "")).strip()
    sent = "target_op" in data or "target_value" in data
    if op or raw_value:
        value = None
        if raw_value:
            try:
                # A point or a comma, spaces dropped; no thousands separator, no percent sign.
                value = parse_decimal(raw_value.replace(" ", ""), grouping=False, percent=False)
            except ValueError:
                errors.add(
                    "target_value",
                    _("Chỉ tiêu đo được: giá trị: “%(v)s” không phải là số.") % {"v": raw_value},
                )
        if op and op not in OPS:
            errors.add(
                "target_op", _("Chỉ tiêu đo được: so sánh: “%(v)s” không hợp lệ (≥, >, =, ≤, <).") % {"v": op}
            )
        if not op:
            errors.add("target_op", _("Chỉ tiêu đo được: so sánh: cần chọn cách so sánh (≥, >, =, ≤, <)."))
        if not raw_value:
            errors.add("target_value", _("Chỉ tiêu đo được: giá trị: cần nhập giá trị."))
        result.target_op, result.target_value = op, value
    else:
        text_changed = task is None or result.target_text != task.target_text
        if text_changed:
            parsed = parse_target(result.target_text)
            if parsed is not None:
                result.target_metric, result.target_op = parsed.metric, parsed.op
                result.target_value, result.target_unit = parsed.value, parsed.unit
            else:
                result.target_metric, result.target_op, result.target_value, result.target_unit = (
                    "",
                    "",
                    None,
                    "",
                )
        elif sent:
            if result.target_metric:
                errors.add("target_value", _("Chỉ tiêu đo được: giá trị: cần nhập giá trị."))
            result.target_op, result.target_value = "", None

    # The timeframe: as written, parsed; an explicit due date wins.
    if "timeframe_text" in data or not keep:
        check_dates_in_text(result.timeframe_text, "timeframe_text", errors, TASK_LABELS)
        year = plan.year_from
        timeframe = parse_timeframe(result.timeframe_text, year=year, issued_on=plan.issued_on)
        result.timeframe_kind = (
            timeframe.kind if timeframe.kind in TimeframeKind.values else TimeframeKind.UNKNOWN
        )
        result.start_on, result.end_on, result.due_on = timeframe.start, timeframe.end, timeframe.due
    for name in ("start_on", "end_on", "due_on"):
        if name in data and str(get_value(data, name, "")).strip():
            value = _date_field(data, name, errors, TASK_LABELS)
            if value is not None:
                setattr(result, name, value)
    if result.start_on and result.end_on and result.end_on < result.start_on:
        errors.add("end_on", _("Kết thúc: phải sau ngày bắt đầu."))

    # The link to the upper task is kept unless the request sets it (forms do not show it).
    result.parent_task = task.parent_task if task is not None else None
    if "parent_task" in data:
        raw = get_value(data, "parent_task", "")
        if str(raw).strip():
            parent = None
            if str(raw).isdigit() and plan.upper_plan_id:
                parent = Task.objects.filter(pk=int(raw), plan_id=plan.upper_plan_id).first()
            if parent is None:
                errors.add(
                    "parent_task",
                    _("Nhiệm vụ cấp trên: “%(v)s” không phải là nhiệm vụ của kế hoạch cấp trên.")
                    % {"v": raw},
                )
            result.parent_task = parent
        else:
            result.parent_task = None
    result.version = _version(data, errors, required=task is not None)
    errors.raise_if_any()
    return result

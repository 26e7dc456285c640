"""The form every observation goes through: a row of an imported file, an item posted to the API.

A row names its unit (code or name), its measure (code or name), its period (from and to dates,
or a period as plans write it: "Quý I/2026", "6 tháng đầu năm 2026", "Năm 2025"), a value, and
optionally a source and a note. It is refused, with a Vietnamese reason, when the unit is unknown,
ambiguous, not valid at the end of the period or out of the user's scope (EDIT); when the measure
is unknown; when the period is missing, unreadable or ends before it starts; when the value is not
a number or outside the measure's range.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from chiso.core.forms import StyledFormMixin
from chiso.core.numbers import decimal_text, parse_decimal
from chiso.core.text import fold, nfc
from chiso.core.timeframes import parse_timeframe
from chiso.core.vndates import short_date
from chiso.measures.models import Measure
from chiso.plans.validation import parse_date
from chiso.units.models import Unit
from chiso.units.scope import EDIT, can

PERIOD_KINDS = ("quarter", "half_year", "year", "range", "date")


class Resolver:
    """Looks units and measures up once per import (cached), within the user's scope."""

    def __init__(self, user=None):
        self.user = user  # None: the system (a command), no scope check
        self._units: dict[str, list[Unit]] = {}
        visible = Measure.objects.all() if user is None else Measure.objects.restrict(user)
        self.measures = list(visible)
        self._measure_keys: dict[str, Measure] = {}
        for m in self.measures:
            self._measure_keys.setdefault(fold(m.name), m)
        for m in self.measures:
            self._measure_keys[m.code.lower()] = m

    def measure(self, text: str) -> Measure | None:
        if text.startswith("id:") and text[3:].isdigit():
            return next((m for m in self.measures if m.pk == int(text[3:])), None)
        return self._measure_keys.get(text.strip().lower()) or self._measure_keys.get(fold(text))

    def units(self, text: str) -> list[Unit]:
        key = nfc(text)
        if key.startswith("id:") and key[3:].isdigit():
            if key not in self._units:
                self._units[key] = list(Unit.objects.filter(pk=int(key[3:])))
            return self._units[key]
        if key not in self._units:
            codes = {key}
            if key.isdigit():
                codes |= {key.zfill(n) for n in (2, 3, 5)}
            self._units[key] = list(
                Unit.objects.filter(Q(code__in=codes) | Q(ref=key) | Q(name__iexact=key)).order_by("pk")
            )
            if not self._units[key]:
                self._units[key] = [
                    u
                    for u in Unit.objects.filter(search_key__contains=fold(key))
                    if fold(u.name) == fold(key)
                ]
        return self._units[key]


class ObservationRowForm(StyledFormMixin, forms.Form):
    unit = forms.CharField(label=_l("Đơn vị (mã hoặc tên)"), max_length=300)
    unit_name = forms.CharField(label=_l("Tên đơn vị"), max_length=300, required=False)
    measure = forms.CharField(label=_l("Số liệu (mã hoặc tên)"), max_length=300)
    measure_name = forms.CharField(label=_l("Tên số liệu"), max_length=300, required=False)
    period_start = forms.CharField(label=_l("Từ ngày"), required=False)
    period_end = forms.CharField(label=_l("Đến ngày"), required=False)
    period = forms.CharField(label=_l("Kỳ số liệu"), required=False, max_length=100)
    value = forms.CharField(label=_l("Giá trị"), max_length=40)
    source = forms.CharField(label=_l("Nguồn"), required=False, max_length=300)
    note = forms.CharField(label=_l("Ghi chú"), required=False, max_length=500)

    def __init__(self, data, *, resolver: Resolver, **kwargs):
        data = {k: ("" if v is None else v) for k, v in dict(data).items()}
        # A table may name the unit (and the measure) by code, by name, or both: the code first.
        for name in ("unit", "measure"):
            if data.get(name) in (None, "") and data.get(f"{name}_name"):
                data[name] = data[f"{name}_name"]
        for name in ("unit", "measure"):  # an id, as the API and other systems send it
            if isinstance(data.get(name), int) and not isinstance(data.get(name), bool):
                data[name] = f"id:{data[name]}"
        for name in ("period_start", "period_end"):
            if isinstance(data.get(name), dt.date):
                data[name] = data[name].isoformat()
        super().__init__(data, **kwargs)
        self.resolver = resolver
        for field in self.fields.values():
            field.error_messages["required"] = _l("thiếu %(f)s.") % {"f": str(field.label).lower()}
            field.error_messages["max_length"] = _l("%(f)s dài quá %%(limit_value)d ký tự.") % {
                "f": field.label
            }

    def clean_measure(self) -> Measure:
        text = nfc(self.cleaned_data["measure"])
        measure = self.resolver.measure(text)
        if measure is None:
            raise ValidationError(
                _("số liệu “%(m)s” không có trong danh mục số liệu đo lường.") % {"m": text}
            )
        return measure

    def clean_value(self) -> Decimal:
        raw = self.data.get("value")
        try:
            return parse_decimal(raw, places=4)
        except ValueError:
            raise ValidationError(_("giá trị “%(v)s” không phải là số (ví dụ 96,2).") % {"v": raw}) from None

    def _period(self) -> tuple[dt.date | None, dt.date | None]:
        start_raw, end_raw = self.cleaned_data.get("period_start"), self.cleaned_data.get("period_end")
        period = nfc(self.cleaned_data.get("period"))
        if start_raw or end_raw:
            start = parse_date(start_raw, _("từ ngày")) if start_raw else None
            end = parse_date(end_raw, _("đến ngày")) if end_raw else None
            if start is None or end is None:
                raise ValidationError(_("cần cả ngày bắt đầu và ngày kết thúc của kỳ số liệu."))
            return start, end
        if not period:
            raise ValidationError(
                _("thiếu kỳ số liệu (từ ngày – đến ngày, hoặc kỳ như “Quý I/2026”, “6 tháng đầu năm 2026”).")
            )
        frame = parse_timeframe(period)
        if frame.kind not in PERIOD_KINDS or frame.start is None or frame.end is None:
            raise ValidationError(
                _("không đọc được kỳ số liệu “%(p)s” (ví dụ: Quý I/2026, 6 tháng đầu năm 2026, Năm 2025).")
                % {"p": period}
            )
        return frame.start, frame.end

    def _unit(self, text: str, end: dt.date) -> Unit:
        candidates = self.resolver.units(text)
        if not candidates:
            raise ValidationError(_("đơn vị “%(u)s” không có trong danh mục đơn vị.") % {"u": text})
        valid = [u for u in candidates if u.is_valid_on(end)]
        if not valid:
            raise ValidationError(
                _("đơn vị “%(u)s” không còn hiệu lực vào ngày %(d)s (cuối kỳ số liệu).")
                % {"u": text, "d": short_date(end)}
            )
        user = self.resolver.user
        allowed = valid if user is None else [u for u in valid if can(user, EDIT, u)]
        if not allowed:
            raise ValidationError(
                _("bạn không có quyền nhập số liệu cho đơn vị “%(u)s”.")
                % {"u": valid[0].name if len(valid) == 1 else text}
            )
        if len(allowed) > 1:
            raise ValidationError(
                _("có %(n)d đơn vị tên “%(u)s”; hãy ghi mã đơn vị.") % {"n": len(allowed), "u": text}
            )
        return allowed[0]

    def clean(self):
        cleaned = super().clean()
        try:
            start, end = self._period()
        except ValidationError as exc:
            self.add_error(None, exc)
            return cleaned
        if end < start:
            self.add_error(
                None,
                _("ngày kết thúc %(e)s trước ngày bắt đầu %(s)s.")
                % {"e": short_date(end), "s": short_date(start)},
            )
            return cleaned
        cleaned["start"], cleaned["end"] = start, end
        if cleaned.get("unit"):
            try:
                cleaned["unit_obj"] = self._unit(nfc(cleaned["unit"]), end)
            except ValidationError as exc:
                self.add_error("unit", exc)
        measure, value = cleaned.get("measure"), cleaned.get("value")
        if isinstance(measure, Measure) and value is not None:
            low, high = measure.min_value, measure.max_value
            if (low is not None and value < low) or (high is not None and value > high):
                self.add_error(
                    "value",
                    _("giá trị %(v)s nằm ngoài khoảng %(lo)s–%(hi)s của số liệu “%(m)s”.")
                    % {
                        "v": decimal_text(value),
                        "lo": decimal_text(low) if low is not None else "…",
                        "hi": decimal_text(high) if high is not None else "…",
                        "m": measure.name,
                    },
                )
        return cleaned

    def reasons(self) -> list[str]:
        """Every error of the row, as sentences (field order, then the row's own)."""
        return [str(m) for name in [*self.fields, "__all__"] for m in self.errors.get(name, [])]


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_l("Tệp số liệu (.csv hoặc .xlsx)"),
        error_messages={"required": _l("Vui lòng chọn tệp."), "empty": _l("Tệp rỗng.")},
    )
    replace = forms.BooleanField(
        label=_l("Thay thế số liệu đã có (khi cùng đơn vị, số liệu và kỳ nhưng khác giá trị)"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("Tệp lớn quá 10 MB."))
        return upload

"""Forms of self-assessment and appraisal, shared by the pages and the API (through the services).

Each item form knows its criterion, so every message names it ("Tiêu chí 1.2 …: …") and the
points are checked against the criterion's maximum. Points accept the decimal comma (7,5).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.forms import NUMBER, DecimalCommaField, StyledFormMixin
from chiso.core.numbers import decimal_text
from chiso.core.text import nfc
from chiso.frameworks.models import Criterion, FrameworkVersion
from chiso.reporting.uploads import read_upload
from chiso.units.models import Unit

TEXT_LIMIT = 5000
ACCEPT = "accept"
ADJUST = "adjust"
DECISIONS = [(ACCEPT, gettext_lazy("Chấp nhận")), (ADJUST, gettext_lazy("Điều chỉnh"))]


def criterion_label(criterion: Criterion) -> str:
    return _("Tiêu chí %(code)s “%(name)s”") % {"code": criterion.code, "name": criterion.name_vi}


def points_text(value: Decimal | None) -> str:
    """Decimal("7.50") → "7,5"; None → ""."""
    return "" if value is None else decimal_text(value)


def _points_field(label: str) -> DecimalCommaField:
    return DecimalCommaField(
        label=label, required=False, max_digits=8, decimal_places=2, min_value=0, error_messages=NUMBER
    )


class _ItemForm(StyledFormMixin, forms.Form):
    """Errors of an item form are named after its criterion when read through `messages()`."""

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion

    def _text(self, name: str) -> str:
        text = nfc(self.cleaned_data.get(name) or "").strip()
        if len(text) > TEXT_LIMIT:
            raise ValidationError(_("Dài quá %(n)d ký tự.") % {"n": TEXT_LIMIT})
        return text

    def _check_max(self, value: Decimal | None, what: str) -> Decimal | None:
        limit = self.criterion.max_points
        if value is not None and limit is not None and value > limit:
            raise ValidationError(
                _("%(c)s: %(what)s %(v)s vượt quá điểm tối đa %(max)s.")
                % {
                    "c": criterion_label(self.criterion),
                    "what": what,
                    "v": points_text(value),
                    "max": points_text(limit),
                }
            )
        return value

    def messages(self) -> dict[str, list[str]]:
        """{field: [message]} with the criterion named in each message."""
        named = criterion_label(self.criterion)
        result: dict[str, list[str]] = {}
        for field, errors in self.errors.items():
            label = self.fields[field].label if field in self.fields else ""
            for message in errors:
                text = message if message.startswith(named) else f"{named} — {label}: {message}"
                result.setdefault(field, []).append(text)
        return result


class SelfItemForm(_ItemForm):
    """One criterion of the unit's self-assessment: points, explanation, evidence file."""

    points = _points_field(gettext_lazy("Điểm tự đánh giá"))
    note = forms.CharField(
        label=gettext_lazy("Giải trình"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(label=gettext_lazy("Tài liệu kiểm chứng"), required=False)
    remove_evidence = forms.BooleanField(label=gettext_lazy("Xóa tài liệu kiểm chứng"), required=False)

    def clean_points(self):
        return self._check_max(self.cleaned_data.get("points"), _("điểm tự đánh giá"))

    def clean_note(self):
        return self._text("note")

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        return read_upload(upload, f"{criterion_label(self.criterion)} — {_('Tài liệu kiểm chứng')}")


class AppraisalItemForm(_ItemForm):
    """The appraiser's decision on one criterion: accept the self points, or adjust with a reason."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Kết luận"),
        choices=DECISIONS,
        error_messages={
            "required": gettext_lazy("Chọn chấp nhận hoặc điều chỉnh."),
            "invalid_choice": gettext_lazy("Kết luận phải là chấp nhận hoặc điều chỉnh."),
        },
    )
    points = _points_field(gettext_lazy("Điểm thẩm định"))
    reason = forms.CharField(
        label=gettext_lazy("Lý do điều chỉnh"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_points(self):
        return self._check_max(self.cleaned_data.get("points"), _("điểm thẩm định"))

    def clean_reason(self):
        return self._text("reason")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") != ADJUST:
            return cleaned
        named = criterion_label(self.criterion)
        if cleaned.get("points") is None and "points" not in self.errors:
            self.add_error("points", _("%(c)s: nhập điểm thẩm định khi điều chỉnh.") % {"c": named})
        if not cleaned.get("reason"):
            self.add_error("reason", _("%(c)s: điều chỉnh điểm phải nêu lý do.") % {"c": named})
        return cleaned


class ReasonForm(StyledFormMixin, forms.Form):
    """Returning a self-assessment to the unit."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Lý do trả lại: không được để trống.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework.short_name} — {obj.name}"


class StartForm(StyledFormMixin, forms.Form):
    """Which unit self-assesses which version for which year, and who appraises (optional)."""

    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=gettext_lazy("Đơn vị tự đánh giá"),
        error_messages={
            "required": gettext_lazy("Chọn đơn vị tự đánh giá."),
            "invalid_choice": gettext_lazy("Bạn không tự đánh giá được cho đơn vị này."),
        },
    )
    version = VersionChoiceField(
        queryset=FrameworkVersion.objects.none(),
        label=gettext_lazy("Bộ chỉ số, phiên bản"),
        error_messages={
            "required": gettext_lazy("Chọn bộ chỉ số."),
            "invalid_choice": gettext_lazy("Phiên bản bộ chỉ số không hợp lệ."),
        },
    )
    year = forms.IntegerField(
        label=gettext_lazy("Năm đánh giá"),
        min_value=1990,
        max_value=2100,
        error_messages={
            "required": gettext_lazy("Nhập năm đánh giá."),
            "invalid": gettext_lazy("Vui lòng nhập năm, ví dụ 2025."),
            "min_value": gettext_lazy("Năm phải trong khoảng 1990–2100."),
            "max_value": gettext_lazy("Năm phải trong khoảng 1990–2100."),
        },
    )
    appraiser = UnitChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("Cơ quan thẩm định"),
        empty_label=gettext_lazy("(Cấp trên trực tiếp của đơn vị)"),
        error_messages={"invalid_choice": gettext_lazy("Bạn không điều phối cơ quan thẩm định này.")},
    )

    def __init__(self, *args, units, versions, appraisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["version"].queryset = versions.select_related("framework")
        self.fields["appraiser"].queryset = appraisers

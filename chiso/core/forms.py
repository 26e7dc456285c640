"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chiso.core.numbers import parse_decimal

NUMBER = {
    "invalid": _("Vui lòng nhập một số, ví dụ 2,5 hoặc 2.5."),
    "max_digits": _("Số quá lớn."),
    "max_decimal_places": _("Tối đa %(max)s chữ số thập phân."),
    "min_value": _("Không được nhỏ hơn %(limit_value)s."),
}


class DecimalCommaField(forms.DecimalField):
    """Accepts the Vietnamese decimal comma (2,5) as well as the point (a text box: a number box
    would refuse the comma in some browsers). Read by `parse_decimal` with ``grouping=False``: no
    thousands separators, so "1.200" is 1,2 and "95%" is refused (points, not percentages)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = parse_decimal(value, grouping=False, percent=False, largest=None)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class StyledFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

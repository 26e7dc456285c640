"""Forms for frameworks, versions, local variants and criteria; every message in Vietnamese."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chiso.core.forms import NUMBER, DecimalCommaField, StyledFormMixin
from chiso.core.text import nfc
from chiso.frameworks.catalog import tree_order
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion
from chiso.frameworks.services import check_criterion, coordinated_units

REQUIRED = {"required": _("Vui lòng nhập trường này.")}


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FrameworkForm(StyledFormMixin, forms.ModelForm):
    """A custom framework owned by one of the user's coordinated units."""

    owner = OwnerChoiceField(
        queryset=None,
        label=_("Đơn vị sở hữu"),
        error_messages={**REQUIRED, "invalid_choice": _("Bạn không điều phối đơn vị này.")},
    )

    class Meta:
        model = Framework
        fields = ["owner", "short_name", "name_vi", "name_en", "description", "source"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "short_name": _("Tên ngắn"),
            "name_vi": _("Tên đầy đủ"),
            "name_en": _("Tên tiếng Anh"),
            "description": _("Mô tả"),
            "source": _("Nguồn, căn cứ"),
        }
        error_messages = {"short_name": REQUIRED, "name_vi": REQUIRED}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = coordinated_units(user)

    def clean_short_name(self):
        return nfc(self.cleaned_data["short_name"])

    def clean_name_vi(self):
        return nfc(self.cleaned_data["name_vi"])


class VersionForm(StyledFormMixin, forms.ModelForm):
    """A version of a custom framework, or the fields of a variant (name, years, note)."""

    class Meta:
        model = FrameworkVersion
        fields = ["code", "name", "year_from", "year_to", "note", "source"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "source": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "code": _("Mã phiên bản"),
            "name": _("Tên phiên bản"),
            "year_from": _("Áp dụng từ năm"),
            "year_to": _("Áp dụng đến năm"),
            "note": _("Ghi chú"),
            "source": _("Nguồn, căn cứ"),
        }
        help_texts = {"year_to": _("Để trống khi chưa có phiên bản thay thế.")}
        error_messages = {
            "code": REQUIRED,
            "name": REQUIRED,
            "year_from": {"invalid": _("Vui lòng nhập năm, ví dụ 2025.")},
            "year_to": {"invalid": _("Vui lòng nhập năm, ví dụ 2025.")},
        }

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        if self.instance.pk and self.instance.based_on_id:
            del self.fields["code"]  # a variant's code is made by the system

    def clean_code(self):
        code = nfc(self.cleaned_data["code"])
        taken = FrameworkVersion.objects.filter(framework=self.framework, code__iexact=code).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise ValidationError(_("Bộ chỉ số này đã có phiên bản mã “%(code)s”."), params={"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        for name in ("year_from", "year_to"):
            year = cleaned.get(name)
            if year is not None and not 1990 <= year <= 2100:
                self.add_error(name, _("Năm phải trong khoảng 1990–2100."))
        if year_from and year_to and year_to < year_from:
            self.add_error("year_to", _("Năm kết thúc phải không nhỏ hơn năm bắt đầu."))
        return cleaned

    def _post_clean(self):
        self.instance.framework = self.framework
        super()._post_clean()


class VariantForm(StyledFormMixin, forms.Form):
    owner = OwnerChoiceField(
        queryset=None,
        label=_("Đơn vị sở hữu biến thể"),
        error_messages={**REQUIRED, "invalid_choice": _("Bạn không điều phối đơn vị này.")},
    )
    name = forms.CharField(label=_("Tên biến thể"), max_length=300, error_messages=REQUIRED)

    def __init__(self, *args, user, base: FrameworkVersion, **kwargs):
        super().__init__(*args, **kwargs)
        units = coordinated_units(user)
        self.fields["owner"].queryset = units
        first = units.first()
        if first is not None and not self.is_bound:
            self.fields["owner"].initial = first.pk
            self.fields["name"].initial = f"{base.name} – {first.name}"

    def clean_name(self):
        return nfc(self.cleaned_data["name"])


class CriterionPointsFields(StyledFormMixin, forms.ModelForm):
    """Maximum points and weight of a criterion, as entered in Vietnamese (decimal comma)."""

    max_points = DecimalCommaField(
        label=_("Điểm tối đa"),
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=0,
        error_messages=NUMBER,
    )
    weight = DecimalCommaField(
        label=_("Trọng số"),
        required=False,
        max_digits=8,
        decimal_places=4,
        min_value=0,
        error_messages=NUMBER,
    )


class CriterionForm(CriterionPointsFields):
    """A criterion of a custom framework or local variant: place in the tree, code, names, points."""

    parent = forms.ModelChoiceField(
        queryset=Criterion.objects.none(),
        required=False,
        label=_("Thuộc tiêu chí"),
        empty_label=_("(Không — đây là chỉ số nội dung / lĩnh vực)"),
        error_messages={"invalid_choice": _("Tiêu chí cha không thuộc phiên bản này.")},
    )

    class Meta:
        model = Criterion
        fields = ["parent", "level", "code", "name_vi", "name_en", "max_points", "weight", "position", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "level": _("Cấp"),
            "code": _("Mã"),
            "name_vi": _("Tên"),
            "name_en": _("Tên tiếng Anh"),
            "position": _("Thứ tự"),
            "note": _("Ghi chú"),
        }
        help_texts = {
            "code": _("Mã in trong kế hoạch, ví dụ 2 hoặc 2.3."),
            "position": _(
                "Số nhỏ đứng trước trong cùng tiêu chí cha (các tiêu chí nạp sẵn đánh 10, 20, 30…)."
            ),
        }
        error_messages = {
            "code": REQUIRED,
            "name_vi": REQUIRED,
            "level": {**REQUIRED, "invalid_choice": _("Cấp không hợp lệ.")},
            "position": {"invalid": _("Vui lòng nhập số nguyên không âm.")},
        }

    def __init__(self, *args, version: FrameworkVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        choices = tree_order(list(Criterion.objects.filter(version=version)))
        if self.instance.pk:
            excluded = set(
                Criterion.objects.descendants(self.instance, include_self=True).values_list("pk", flat=True)
            )
            choices = [c for c in choices if c.pk not in excluded]
        self.fields["parent"].queryset = Criterion.objects.filter(pk__in=[c.pk for c in choices])
        self.fields["parent"].choices = [("", self.fields["parent"].empty_label)] + [
            (c.pk, f"{'— ' * c.depth}{c.code} {c.name_vi}") for c in choices
        ]

    def clean_name_vi(self):
        return nfc(self.cleaned_data["name_vi"])

    def clean_code(self):
        return nfc(self.cleaned_data["code"]).replace(" ", "")

    def _post_clean(self):
        self.instance.version = self.version
        super()._post_clean()
        if not {"parent", "level", "code"} & set(self.errors):
            try:
                check_criterion(self.instance)
            except ValidationError as exc:
                self._update_errors(exc)


class PointsForm(CriterionPointsFields):
    """Only the maximum points and weight (what a superuser enters on a national version)."""

    class Meta:
        model = Criterion
        fields = ["max_points", "weight"]

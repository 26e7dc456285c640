"""Forms of the reporting pages. They only collect input; the services validate it (so pages and
the API refuse the same things with the same messages) and `apply_errors` puts those messages
back on the form fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chiso.core.forms import StyledFormMixin
from chiso.core.vndates import short_date
from chiso.reporting.models import Evidence, Finding, Initiative, RoundKind

DATE_HELP = _("Ngày/tháng/năm, ví dụ 05/6/2022.")


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the form."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class DateText(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if hasattr(value, "strftime"):
            return short_date(value)
        return value


class RoundForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Tên kỳ báo cáo"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại kỳ báo cáo"), choices=RoundKind.choices, initial=RoundKind.CUSTOM)
    period_start = DateText(label=_("Chốt số liệu từ ngày"))
    period_end = DateText(label=_("Chốt số liệu đến ngày"))
    opens_on = DateText(label=_("Mở nhập báo cáo từ ngày"))
    due_on = DateText(label=_("Hạn đơn vị gửi báo cáo"))
    grace_until = DateText(label=_("Hết thời gian ân hạn (không bắt buộc)"))
    locks_on = DateText(label=_("Ngày khóa sổ"))
    coordinator_due_on = DateText(label=_("Hạn cơ quan điều phối tổng hợp"))
    upper_due_on = DateText(label=_("Hạn báo cáo cấp trên (không bắt buộc)"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GenerateForm(StyledFormMixin, forms.Form):
    YEAR_STARTS = [
        ("1-1", _("Năm dương lịch (từ 01/01)")),
        ("12-1", _("Từ 01/12 năm trước (như Kế hoạch Mộc Châu 2022)")),
        ("12-15", _("Từ 15/12 năm trước (chốt số liệu ngày 14 của tháng cuối kỳ)")),
    ]
    kind = forms.ChoiceField(
        label=_("Loại kỳ báo cáo"),
        choices=[c for c in RoundKind.choices if c[0] != RoundKind.CUSTOM],
        initial=RoundKind.SIX_MONTHLY,
    )
    year_start = forms.ChoiceField(label=_("Năm báo cáo tính từ"), choices=YEAR_STARTS, initial="1-1")
    unit_days = forms.IntegerField(
        label=_("Đơn vị gửi sau ngày chốt số liệu (ngày)"), min_value=0, max_value=60, initial=5
    )
    coordinator_days = forms.IntegerField(
        label=_("Cơ quan điều phối tổng hợp sau hạn của đơn vị (ngày)"), min_value=1, max_value=60, initial=5
    )
    upper_days = forms.IntegerField(
        label=_("Báo cáo cấp trên sau hạn tổng hợp (ngày, để trống nếu không có)"),
        min_value=1,
        max_value=60,
        required=False,
    )
    grace_working_days = forms.IntegerField(
        label=_("Thời gian ân hạn (ngày làm việc)"), min_value=0, max_value=30, initial=0
    )
    due_rule = forms.ChoiceField(
        label=_("Hạn đơn vị gửi báo cáo theo quy định của kế hoạch"),
        required=False,
        choices=[
            ("", _("Số ngày sau ngày chốt số liệu (ô ở trên)")),
            ("working_days", _("N ngày làm việc sau ngày chốt số liệu")),
            ("month_day", _("Ngày D của tháng, tính theo kỳ báo cáo")),
            ("yearly", _("Ngày cố định hằng năm (ví dụ 20/12 hằng năm)")),
            ("fixed", _("Một ngày cụ thể")),
        ],
    )
    due_number = forms.CharField(label=_("Số ngày làm việc N, hoặc ngày D"), required=False, max_length=3)
    due_month_offset = forms.ChoiceField(
        label=_("Tháng của ngày D"),
        required=False,
        choices=[
            ("0", _("tháng cuối kỳ (tháng cuối quý)")),
            ("1", _("tháng đầu kỳ sau (tháng đầu quý sau)")),
            ("2", _("tháng thứ hai của kỳ sau")),
            ("-1", _("tháng trước tháng cuối kỳ")),
        ],
    )
    due_month = forms.CharField(label=_("Tháng (với ngày cố định hằng năm)"), required=False, max_length=2)
    due_on = DateText(label=_("Ngày cụ thể"))


class ExtensionForm(StyledFormMixin, forms.Form):
    due_on = DateText(label=_("Gia hạn đến ngày"), required=True)
    reason = forms.CharField(label=_("Lý do gia hạn"), max_length=500)


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvidenceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại minh chứng"), choices=Evidence.Kind.choices, initial=Evidence.Kind.FILE
    )
    file = forms.FileField(label=_("Tệp"), required=False)
    doc_number = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=80, required=False)
    doc_date = DateText(label=_("Ngày văn bản"))
    doc_issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=300, required=False)
    url = forms.CharField(label=_("Đường dẫn"), max_length=500, required=False)
    title = forms.CharField(label=_("Trích yếu, mô tả"), max_length=500, required=False)


class InspectionForm(StyledFormMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("Đơn vị kiểm tra"), queryset=None)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên đợt kiểm tra"), max_length=300, required=False)
    min_share = forms.DecimalField(label=_("Tỷ lệ tối thiểu (%)"), min_value=1, max_value=100, initial=30)
    seed = forms.IntegerField(
        label=_("Hạt giống chọn mẫu"),
        min_value=0,
        required=False,
        help_text=_("Để trống để hệ thống chọn ngẫu nhiên; cùng hạt giống cho cùng mẫu."),
    )

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class InitiativeForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên sáng kiến"), max_length=500)
    description = forms.CharField(
        label=_("Nội dung, hiệu quả"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class EvaluateForm(StyledFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label=_("Đánh giá"),
        choices=[c for c in Initiative.Rating.choices if c[0] != Initiative.Rating.PENDING],
    )
    evaluation_note = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    replicate = forms.BooleanField(label=_("Nhân rộng"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VisitForm(StyledFormMixin, forms.Form):
    inspected_on = DateText(label=_("Ngày kiểm tra"), required=True)
    conclusion = forms.CharField(
        label=_("Kết luận"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Nội dung phát hiện"), widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(
        label=_("Mức độ"), choices=Finding.Severity.choices, initial=Finding.Severity.MAJOR
    )


class RemediationForm(StyledFormMixin, forms.Form):
    action = forms.CharField(label=_("Biện pháp khắc phục"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = DateText(label=_("Hạn khắc phục"), required=True)


class ReinspectForm(StyledFormMixin, forms.Form):
    fixed = forms.ChoiceField(
        label=_("Kết quả"), choices=[("1", _("Đã khắc phục")), ("0", _("Chưa khắc phục"))]
    )
    reinspected_on = DateText(label=_("Ngày kiểm tra lại"), required=True)
    note = forms.CharField(label=_("Ghi chú"), required=False)

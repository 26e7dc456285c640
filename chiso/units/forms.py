"""Forms for unit admins: add a person to a unit in a role."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chiso.core.forms import StyledFormMixin
from chiso.units.models import Role


class MembershipForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    title = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Chỉ cần khi tạo tài khoản mới."),
    )

    def __init__(self, *args, unit=None, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        username = data.get("username", "").strip()
        user = get_user_model().objects.filter(username=username).first()
        data["user"] = user
        if user is None:
            if not data.get("full_name"):
                self.add_error("full_name", _("Nhập họ và tên để tạo tài khoản mới."))
            password = data.get("password")
            if not password:
                self.add_error("password", _("Nhập mật khẩu ban đầu để tạo tài khoản mới."))
            else:
                try:
                    password_validation.validate_password(password)
                except ValidationError as exc:
                    self.add_error("password", exc)
        elif user.memberships.filter(unit=self.unit, role=data.get("role")).exists():
            self.add_error("role", _("Người dùng này đã có vai trò này tại đơn vị."))
        return data

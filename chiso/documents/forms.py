"""The upload form of the plan import: a file checked by its content and the issuing unit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.forms import StyledFormMixin
from chiso.documents.errors import DocumentImportError
from chiso.documents.importing import check_upload, max_upload_bytes
from chiso.units.models import Membership, Role, Unit
from chiso.units.scope import EDIT, can

ACCEPT = ".docx,.pdf,.md,.txt,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/pdf,text/plain,text/markdown"


def issuer_choices(user, extra: list[Unit] | None = None) -> list[Unit]:
    """Units the user may pick as a plan's issuer: their own units with a writing role (a
    superuser: the current provinces), then `extra` units they may write for."""
    roles = [Role.ADMIN, Role.COORDINATOR, Role.OFFICER]
    if user.is_superuser:
        units = list(Unit.objects.filter(parent__isnull=True).current().order_by("name"))
    else:
        units = [
            m.unit
            for m in Membership.objects.filter(user=user, role__in=roles)
            .select_related("unit")
            .order_by("id")
        ]
    for unit in extra or []:
        if unit is not None and unit not in units and can(user, EDIT, unit):
            units.append(unit)
    return list(dict.fromkeys(units))


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp kế hoạch"),
        help_text=gettext_lazy("Tệp Word (.docx), PDF có lớp chữ (.pdf) hoặc văn bản (.md, .txt)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    issuer = forms.TypedChoiceField(
        label=gettext_lazy("Đơn vị ban hành"),
        coerce=int,
        help_text=gettext_lazy("Kế hoạch nháp sẽ thuộc đơn vị này; có thể đổi khi rà soát."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.units = issuer_choices(user)
        self.fields["issuer"].choices = [(u.pk, u.name) for u in self.units]
        if self.units and not self.is_bound:
            self.initial.setdefault("issuer", self.units[0].pk)
        limit = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _(
            "Tệp Word (.docx), PDF có lớp chữ (.pdf) hoặc văn bản (.md, .txt), tối đa %(n)s MB."
        ) % {"n": limit}
        self.data_bytes: bytes = b""
        self.format = ""

    def clean_issuer(self) -> Unit:
        pk = self.cleaned_data["issuer"]
        unit = next((u for u in self.units if u.pk == pk), None)
        if unit is None or not can(self.user, EDIT, unit):
            raise forms.ValidationError(
                _("Đơn vị ban hành: bạn không có quyền soạn kế hoạch của đơn vị này.")
            )
        return unit

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp đến %(max)s MB.")
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","),
                    "max": limit // (1024 * 1024),
                }
            )
        data = upload.read()
        try:
            self.format = check_upload(data, upload.name)
        except DocumentImportError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        self.data_bytes = data
        return upload

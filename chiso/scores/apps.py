from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoresConfig(AppConfig):
    name = "chiso.scores"
    label = "scores"
    verbose_name = _("Kết quả chỉ số")

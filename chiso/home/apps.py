from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page: the top layer, reading every app below it (plans, reporting, scores)."""

    name = "chiso.home"
    label = "home"
    verbose_name = _("Trang chủ")

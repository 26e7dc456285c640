"""`chiso makemessages`: Django's command, also extracting `_l("…")`, the short name several modules
give `gettext_lazy` (Django's xgettext call knows only the full names)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]

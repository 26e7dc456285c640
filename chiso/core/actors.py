"""The explicit actor of writes no person makes: reference-data loads, commands, demo data.

Every audited write names its actor. A person's writes name the signed-in user; a command run by
cron or an administrator, and the demo data, name the system actor: an inactive account that
cannot sign in, so the audit log says "chiso (hệ thống)" instead of nobody.
"""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "chiso-system"


def system_actor():
    """The system account (created inactive, without a usable password, on first use)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = user_model(username=SYSTEM_USERNAME, first_name="chiso (hệ thống)", is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def is_system(user) -> bool:
    """Whether `user` is the system actor (by name and inactive: a person's account never is)."""
    return bool(
        user is not None and getattr(user, "username", None) == SYSTEM_USERNAME and not user.is_active
    )

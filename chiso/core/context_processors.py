from django.conf import settings


def chiso(request):
    """What every page needs: the signed-in user's memberships (for the unit switcher and menus)."""
    user = getattr(request, "user", None)
    memberships = []
    if user is not None and user.is_authenticated:
        memberships = list(user.memberships.select_related("unit").all())
    return {"chiso_memberships": memberships, "chiso_debug": settings.DEBUG}

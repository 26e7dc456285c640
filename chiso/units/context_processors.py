from chiso.units.models import Membership, Role


def chiso(request):
    """What the page frame needs. Values are callables so a page that never shows them runs no query
    (templates call a callable variable when they use it)."""
    user = getattr(request, "user", None)

    def is_unit_admin() -> bool:
        return bool(
            user and user.is_authenticated and Membership.objects.filter(user=user, role=Role.ADMIN).exists()
        )

    return {"chiso_is_admin": is_unit_admin}

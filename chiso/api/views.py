from rest_framework.decorators import api_view
from rest_framework.response import Response

from chiso.units.scope import ROLE_ACTIONS


@api_view(["GET"])
def me(request):
    """The signed-in user and their memberships."""
    user = request.user
    return Response(
        {
            "username": user.username,
            "name": user.get_full_name(),
            "is_superuser": user.is_superuser,
            "memberships": [
                {
                    "unit": m.unit_id,
                    "unit_name": m.unit.name,
                    "role": m.role,
                    "actions": sorted(ROLE_ACTIONS.get(m.role, ())),
                }
                for m in user.memberships.select_related("unit")
            ],
        }
    )

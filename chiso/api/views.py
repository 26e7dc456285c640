from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from chiso.units.scope import ROLE_ACTIONS


class MembershipInfoSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    role = serializers.CharField()
    actions = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    memberships = MembershipInfoSerializer(many=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in user and their memberships."""
    user = request.user
    data = {
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
    return Response(MeSerializer(data).data)

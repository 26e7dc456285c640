"""Units in the REST API: read within the user's scope; writes for unit admins, audited."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from chiso.core.audit import save_audited
from chiso.units.filters import UnitFilter
from chiso.units.models import Membership, Unit, UnitSuccession
from chiso.units.scope import ADMINISTER, can
from chiso.units.serializers import MembershipSerializer, SuccessionSerializer, UnitSerializer


class UnitViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        return Unit.objects.restrict(self.request.user).order_by("name", "id")

    def _check_admin(self, parent: Unit | None) -> None:
        if parent is None and not self.request.user.is_superuser:
            raise exceptions.PermissionDenied(_("Chỉ quản trị hệ thống được tạo đơn vị cấp cao nhất."))
        if parent is not None and not can(self.request.user, ADMINISTER, parent):
            raise exceptions.PermissionDenied(_("Bạn không có quyền quản trị đơn vị này."))

    def perform_create(self, serializer):
        with transaction.atomic():
            self._check_admin(serializer.validated_data.get("parent"))
            unit = Unit(**serializer.validated_data)
            _clean(unit)
            save_audited(unit, self.request.user)
            serializer.instance = unit

    def perform_update(self, serializer):
        with transaction.atomic():
            unit = Unit.objects.select_for_update().get(pk=serializer.instance.pk)
            self._check_admin(unit)
            for key, value in serializer.validated_data.items():
                setattr(unit, key, value)
            if unit.parent_id and not can(self.request.user, ADMINISTER, unit.parent_id):
                raise exceptions.PermissionDenied(_("Bạn không có quyền quản trị đơn vị cấp trên mới."))
            _clean(unit)
            save_audited(unit, self.request.user)
            serializer.instance = unit

    @action(detail=True)
    def history(self, request, pk=None):
        """Where this unit came from and what it went into."""
        unit = self.get_object()
        edges = UnitSuccession.objects.filter(predecessor=unit) | UnitSuccession.objects.filter(
            successor=unit
        )
        edges = edges.select_related("change", "predecessor", "successor")
        return Response(SuccessionSerializer(edges, many=True).data)


def _clean(unit: Unit) -> None:
    from django.core.exceptions import ValidationError

    try:
        unit.full_clean(exclude=["search_key", "ref"])
    except ValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict) from exc


class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    """Memberships of the units the user administers (their own are at /api/me/)."""

    serializer_class = MembershipSerializer

    def get_queryset(self):
        units = Unit.objects.restrict(self.request.user, ADMINISTER)
        return Membership.objects.filter(unit__in=units).select_related("user").order_by("id")


def register(router) -> None:
    router.register("units", UnitViewSet, basename="api-unit")
    router.register("memberships", MembershipViewSet, basename="api-membership")

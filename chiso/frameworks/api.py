"""Frameworks in the REST API: read for every signed-in user within Framework.objects.restrict;
writes for the users the services allow (custom frameworks and local variants: coordinators of the
owning unit; national ones: superusers), each audited in one transaction."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from chiso.frameworks import services
from chiso.frameworks.filters import CriterionFilter, FrameworkFilter, FrameworkVersionFilter
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion
from chiso.frameworks.serializers import (
    CriterionSerializer,
    FrameworkSerializer,
    FrameworkVersionSerializer,
    VariantSerializer,
)
from chiso.frameworks.upload_views import CriteriaUploadViewSet
from chiso.units.models import Unit
from chiso.units.scope import COORDINATE


class FrameworkViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Index frameworks: national ones and the custom ones of the user's units."""

    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter

    def get_queryset(self):
        return Framework.objects.restrict(self.request.user).order_by("owner_id", "code")

    def perform_create(self, serializer):
        if serializer.validated_data.get("owner") is None:
            raise exceptions.ValidationError({"owner": [_("Bộ chỉ số tự xây dựng phải có đơn vị sở hữu.")]})
        serializer.instance = services.create_framework(
            self.request.user, Framework(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        framework = serializer.instance
        if framework.owner_id is None and "owner" in serializer.validated_data:
            raise exceptions.ValidationError(
                {"owner": [_("Không đổi đơn vị sở hữu của bộ chỉ số quốc gia.")]}
            )
        for key, value in serializer.validated_data.items():
            setattr(framework, key, value)
        serializer.instance = services.update_framework(self.request.user, framework)


class FrameworkVersionViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Versions of frameworks, including the local variants of the user's units."""

    serializer_class = FrameworkVersionSerializer
    filterset_class = FrameworkVersionFilter

    def get_queryset(self):
        return (
            FrameworkVersion.objects.restrict(self.request.user)
            .select_related("framework")
            .order_by("framework__code", "year_from", "code")
        )

    def perform_create(self, serializer):
        serializer.instance = services.create_version(
            self.request.user, FrameworkVersion(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        version = serializer.instance
        if serializer.validated_data.get("framework", version.framework) != version.framework:
            raise exceptions.ValidationError(
                {"framework": [_("Không chuyển phiên bản sang bộ chỉ số khác.")]}
            )
        for key, value in serializer.validated_data.items():
            setattr(version, key, value)
        serializer.instance = services.update_version(self.request.user, version)

    @extend_schema(request=VariantSerializer, responses={201: FrameworkVersionSerializer})
    @action(detail=True, methods=["post"])
    def variant(self, request, pk=None):
        """Create a local variant of this version owned by one of the user's units (tree copied)."""
        base = self.get_object()
        payload = VariantSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        owner = get_object_or_404(
            Unit.objects.restrict(request.user, COORDINATE), pk=payload.validated_data["owner"]
        )
        variant = services.create_variant(request.user, base, owner, payload.validated_data["name"])
        return Response(FrameworkVersionSerializer(variant).data, status=status.HTTP_201_CREATED)


POINT_FIELDS = {"max_points", "weight"}


class CriterionViewSet(viewsets.ModelViewSet):
    """Criteria trees; filter by framework code, version, level, year, accent-insensitive q."""

    serializer_class = CriterionSerializer
    filterset_class = CriterionFilter

    def get_queryset(self):
        return (
            Criterion.objects.restrict(self.request.user)
            .select_related("version__framework", "parent")
            .order_by("version_id", "position", "code", "id")
        )

    def perform_create(self, serializer):
        serializer.instance = services.save_criterion(
            self.request.user, Criterion(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        criterion = serializer.instance
        data = serializer.validated_data
        if data.get("version", criterion.version) != criterion.version:
            raise exceptions.ValidationError({"version": [_("Không chuyển tiêu chí sang phiên bản khác.")]})
        if not services.can_edit_structure(self.request.user, criterion.version):
            changed = {key for key, value in data.items() if getattr(criterion, key) != value}
            if changed - POINT_FIELDS:
                if not services.can_edit_version(self.request.user, criterion.version):
                    raise exceptions.PermissionDenied(_("Bạn không có quyền sửa tiêu chí này."))
                raise exceptions.ValidationError(
                    {
                        "detail": [
                            _(
                                "Ở bộ chỉ số quốc gia chỉ sửa được điểm tối đa và trọng số; cấu trúc lấy từ dữ liệu tham chiếu."
                            )
                        ]
                    }
                )
            for key in POINT_FIELDS & set(data):
                setattr(criterion, key, data[key])
            serializer.instance = services.save_points(self.request.user, criterion)
            return
        for key, value in data.items():
            setattr(criterion, key, value)
        serializer.instance = services.save_criterion(self.request.user, criterion)

    def perform_destroy(self, instance):
        with transaction.atomic():
            services.delete_criterion(self.request.user, instance)


def register(router) -> None:
    # Basenames end in "-api": the pages already use "framework-list" and "framework-detail".
    router.register("frameworks", FrameworkViewSet, basename="framework-api")
    router.register("framework-versions", FrameworkVersionViewSet, basename="frameworkversion-api")
    router.register("criteria", CriterionViewSet, basename="criterion-api")
    router.register("criteria-uploads", CriteriaUploadViewSet, basename="criteria-upload-api")

from rest_framework import serializers

from chiso.frameworks.models import Criterion, Framework, FrameworkVersion


class FrameworkSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_national = serializers.BooleanField(read_only=True)

    class Meta:
        model = Framework
        fields = [
            "id",
            "code",
            "kind",
            "kind_display",
            "short_name",
            "name_vi",
            "name_en",
            "owner",
            "is_national",
            "publisher",
            "description",
            "source",
        ]
        read_only_fields = ["id", "code", "kind", "kind_display", "is_national"]

    def get_fields(self):
        return restrict_fields(self, super().get_fields())


class FrameworkVersionSerializer(serializers.ModelSerializer):
    framework_code = serializers.CharField(source="framework.code", read_only=True)
    years = serializers.CharField(source="years_label", read_only=True)

    class Meta:
        model = FrameworkVersion
        fields = [
            "id",
            "framework",
            "framework_code",
            "code",
            "name",
            "year_from",
            "year_to",
            "years",
            "based_on",
            "owner",
            "source",
            "note",
            "verification",
        ]
        read_only_fields = ["id", "framework_code", "years", "based_on", "owner", "verification"]

    def get_fields(self):
        return restrict_fields(self, super().get_fields())


class VariantSerializer(serializers.Serializer):
    owner = serializers.IntegerField(help_text="Đơn vị sở hữu biến thể.")
    name = serializers.CharField(max_length=300)


class CriterionSerializer(serializers.ModelSerializer):
    framework_code = serializers.CharField(source="version.framework.code", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "version",
            "framework_code",
            "parent",
            "parent_code",
            "level",
            "code",
            "name_vi",
            "name_en",
            "max_points",
            "weight",
            "position",
            "based_on",
            "source",
            "note",
            "verification",
        ]
        read_only_fields = ["id", "framework_code", "parent_code", "based_on", "verification"]

    def get_fields(self):
        return restrict_fields(self, super().get_fields())


def restrict_fields(serializer, fields: dict) -> dict:
    """Limit the choices of related fields to what the requesting user may see or use."""
    from chiso.units.models import Unit
    from chiso.units.scope import COORDINATE

    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    if "framework" in fields and not fields["framework"].read_only:
        fields["framework"].queryset = Framework.objects.restrict(user)
    if "version" in fields and not fields["version"].read_only:
        fields["version"].queryset = FrameworkVersion.objects.restrict(user)
    if "parent" in fields and not fields["parent"].read_only:
        fields["parent"].queryset = Criterion.objects.restrict(user)
    if "owner" in fields and not fields["owner"].read_only:
        fields["owner"].queryset = Unit.objects.restrict(user, COORDINATE)
    return fields

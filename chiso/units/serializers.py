from rest_framework import serializers

from chiso.units.models import Membership, Unit, UnitChange, UnitSuccession


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "aliases",
            "kind",
            "kind_display",
            "parent",
            "valid_from",
            "valid_to",
            "note",
        ]
        read_only_fields = ["id", "kind_display"]


class SuccessionSerializer(serializers.ModelSerializer):
    change_kind = serializers.CharField(source="change.kind")
    effective_on = serializers.DateField(source="change.effective_on")
    legal_basis = serializers.CharField(source="change.legal_basis")
    predecessor_name = serializers.CharField(source="predecessor.name")
    successor_name = serializers.CharField(source="successor.name")

    class Meta:
        model = UnitSuccession
        fields = [
            "predecessor",
            "predecessor_name",
            "successor",
            "successor_name",
            "partial",
            "change_kind",
            "effective_on",
            "legal_basis",
        ]


class UnitChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitChange
        fields = [
            "id",
            "kind",
            "effective_on",
            "effective_year",
            "legal_basis",
            "description",
            "old_kind",
            "new_kind",
            "old_name",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "unit", "role", "title"]

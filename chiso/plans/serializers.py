"""How plans and tasks read in the API. Writes are checked by `chiso.plans.validation` (the same
rules as the pages), so the write serializers here only describe the accepted fields for the schema."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chiso.plans.models import Plan, PlanDeadline, PlanReference, PlanSection, PlanState, Task, TaskAssignment


@extend_schema_field(
    {
        "type": "string",
        "description": "Trạng thái kế hoạch: "
        + ", ".join(f"{v} ({label})" for v, label in PlanState.choices),
    }
)
class PlanStateField(serializers.CharField):
    """A plan's state. Described as a plain string (not a named enum) in the schema: reports have a
    "state" of their own, and two enums with one field name collide in drf-spectacular."""


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanSection
        fields = ["depth", "key", "heading", "body"]


class ReferenceSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = PlanReference
        fields = ["kind", "target", "number_symbol", "issued_on", "issuer_name", "title", "label"]


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanDeadline
        fields = ["label", "due_on"]


class PlanListSerializer(serializers.ModelSerializer):
    issuer = UnitRefSerializer(read_only=True)
    state = PlanStateField(read_only=True)
    number_symbol = serializers.CharField(read_only=True)
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "issuer",
            "number",
            "symbol",
            "number_symbol",
            "place",
            "issued_on",
            "title",
            "year_from",
            "year_to",
            "state",
            "frameworks",
            "upper_plan",
            "replaces",
            "task_count",
            "version",
        ]


class PlanSerializer(PlanListSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    references = ReferenceSerializer(many=True, read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    lower_plan_deadline = serializers.DateField(read_only=True, allow_null=True)

    class Meta(PlanListSerializer.Meta):
        fields = [
            *PlanListSerializer.Meta.fields,
            "issuer_label",
            "issuer_parent_label",
            "preamble",
            "appendix_title",
            "recipients",
            "signer_authority",
            "signer_title",
            "signer_name",
            "lower_plan_due_on",
            "lower_plan_due_working_days",
            "lower_plan_deadline",
            "closed_on",
            "sections",
            "references",
            "deadlines",
        ]


class PlanWriteSerializer(serializers.Serializer):
    """The fields a plan accepts (dates as dd/mm/yyyy or yyyy-mm-dd)."""

    issuer = serializers.IntegerField(help_text="Đơn vị ban hành (chỉ khi tạo mới)", required=False)
    number_symbol = serializers.CharField(required=False, help_text="154/KH-UBND; /KH-UBND khi chưa có số")
    place = serializers.CharField(required=False)
    issued_on = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    year_from = serializers.IntegerField(required=False)
    year_to = serializers.IntegerField(required=False)
    frameworks = serializers.ListField(child=serializers.IntegerField(), required=False)
    upper_plan = serializers.IntegerField(required=False, allow_null=True)
    preamble = serializers.CharField(required=False)
    appendix_title = serializers.CharField(required=False)
    recipients = serializers.CharField(required=False)
    signer_authority = serializers.CharField(required=False)
    signer_title = serializers.CharField(required=False)
    signer_name = serializers.CharField(required=False)
    lower_plan_due_on = serializers.CharField(required=False)
    lower_plan_due_working_days = serializers.IntegerField(required=False, allow_null=True)
    sections = SectionSerializer(many=True, required=False)
    references = ReferenceSerializer(many=True, required=False)
    deadlines = DeadlineSerializer(many=True, required=False)
    version = serializers.IntegerField(required=False, help_text="Bắt buộc khi sửa: phiên bản đang sửa")


class IssueSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    number_symbol = serializers.CharField(required=False)
    issued_on = serializers.CharField(required=False)


class CascadeSerializer(serializers.Serializer):
    units = serializers.ListField(child=serializers.IntegerField(), required=False)


class AssignmentSerializer(serializers.ModelSerializer):
    ref = serializers.CharField(read_only=True)
    display = serializers.CharField(read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["ref", "unit", "group", "label", "display"]


class TaskSerializer(serializers.ModelSerializer):
    leads = AssignmentSerializer(many=True, read_only=True)
    partners = AssignmentSerializer(many=True, read_only=True)
    criteria_codes = serializers.SerializerMethodField()
    measurable_target = serializers.SerializerMethodField()
    timeframe = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "position",
            "group_code",
            "group_title",
            "number",
            "criterion_label",
            "criteria",
            "criteria_codes",
            "text",
            "target_text",
            "measurable_target",
            "output",
            "lead_text",
            "partners_text",
            "leads",
            "partners",
            "timeframe",
            "parent_task",
            "note",
            "version",
        ]

    def get_criteria_codes(self, task) -> list[str]:
        return [c.code for c in task.criteria.all()]

    def get_measurable_target(self, task) -> dict | None:
        if not task.has_measurable_target:
            return None
        return {
            "metric": task.target_metric,
            "op": task.target_op,
            "value": str(task.target_value.normalize()),
            "unit": task.target_unit,
        }

    def get_timeframe(self, task) -> dict:
        return {
            "text": task.timeframe_text,
            "kind": task.timeframe_kind,
            "start": task.start_on,
            "end": task.end_on,
            "due": task.due_on,
        }


class TaskWriteSerializer(serializers.Serializer):
    """The fields a task accepts; units and groups as "unit:<id>" / "group:<id>"."""

    plan = serializers.IntegerField(required=False, help_text="Kế hoạch (chỉ khi tạo mới)")
    group_code = serializers.CharField(required=False)
    group_title = serializers.CharField(required=False)
    number = serializers.CharField(required=False)
    criterion_label = serializers.CharField(required=False)
    criteria = serializers.ListField(child=serializers.IntegerField(), required=False)
    text = serializers.CharField(required=False)
    target_text = serializers.CharField(required=False)
    target_metric = serializers.CharField(required=False)
    target_op = serializers.ChoiceField(choices=[">=", ">", "=", "<=", "<"], required=False, allow_blank=True)
    target_value = serializers.CharField(required=False, allow_blank=True)
    target_unit = serializers.CharField(required=False)
    output = serializers.CharField(required=False)
    leads = serializers.ListField(child=serializers.CharField(), required=False)
    partners = serializers.ListField(child=serializers.CharField(), required=False)
    lead_text = serializers.CharField(required=False)
    partners_text = serializers.CharField(required=False)
    timeframe_text = serializers.CharField(required=False)
    due_on = serializers.CharField(required=False)
    parent_task = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False, help_text="Bắt buộc khi sửa")


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from chiso.units.models import Unit
from chiso.units.reference import ReferenceDataError, bodies_templates, create_bodies


class Command(BaseCommand):
    help = "Tạo các cơ quan chuyên môn chuẩn (sở, phòng, văn phòng…) dưới một đơn vị theo mẫu; chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="Mã, khóa tham chiếu (ví dụ vn:province:08) hoặc tên đơn vị")
        parser.add_argument("--template", required=True, help="Mẫu: " + ", ".join(sorted(bodies_templates())))

    def handle(self, unit, template, **options):
        matches = list(Unit.objects.filter(Q(ref=unit) | Q(code=unit) | Q(name__iexact=unit)).current()[:5])
        if not matches:
            matches = list(Unit.objects.filter(Q(ref=unit) | Q(name__iexact=unit))[:5])
        if len(matches) != 1:
            raise CommandError(
                f"Không tìm thấy đơn vị “{unit}”."
                if not matches
                else f"“{unit}” khớp với nhiều đơn vị; dùng khóa tham chiếu."
            )
        try:
            created = create_bodies(matches[0], template)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{matches[0].name}: đã tạo {len(created)} cơ quan theo mẫu {template}.")

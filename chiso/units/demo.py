"""The demo world: Tuyên Quang (which absorbed Hà Giang on 1/7/2025), its bodies, a few communes, and accounts."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from chiso.units.models import Membership, Role, Unit
from chiso.units.reference import create_bodies, load_reference

DEMO_PASSWORD = "chiso-demo"
PROVINCE_REF = "vn:province:08"  # Tỉnh Tuyên Quang, formed from Hà Giang (02) and Tuyên Quang (08)
OLD_DISTRICT_REF = "vn-pre2025:district:030"  # Huyện Vị Xuyên, Hà Giang: the 2021 sample plan's issuer
DEMO_COMMUNES = ["Xã Vị Xuyên", "Phường Hà Giang 1", "Xã Thanh Thủy", "Xã Minh Tân"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_ref: str | None  # None: the first demo commune
    superuser: bool = False


ACCOUNTS = [
    DemoAccount("demo.admin", "Quản trị hệ thống", Role.ADMIN, PROVINCE_REF, superuser=True),
    DemoAccount("demo.tinh", "Chuyên viên Sở Nội vụ", Role.COORDINATOR, PROVINCE_REF),
    DemoAccount("demo.lanhdao", "Phó Chủ tịch UBND tỉnh", Role.LEADER, PROVINCE_REF),
    DemoAccount("demo.xa", "Công chức Văn phòng xã", Role.OFFICER, None),
]


@transaction.atomic
def build_demo_world(actor=None) -> dict:
    """Idempotent: re-running creates nothing new and resets the demo passwords."""
    if not Unit.objects.filter(ref=PROVINCE_REF).exists():
        load_reference(actor=actor)
    province = Unit.objects.get(ref=PROVINCE_REF)
    create_bodies(province, "province_2025", actor)
    communes = list(Unit.objects.current().filter(parent=province, name__in=DEMO_COMMUNES).order_by("name"))
    for commune in communes:
        create_bodies(commune, "commune_2025", actor)
    old_district = Unit.objects.get(ref=OLD_DISTRICT_REF)
    create_bodies(old_district, "district_pre2025", actor)
    first_commune = next(c for c in communes if c.name == DEMO_COMMUNES[0])

    users = {}
    User = get_user_model()
    for account in ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.first_name, user.last_name = account.full_name, ""
        user.is_superuser = user.is_staff = account.superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        unit = Unit.objects.get(ref=account.unit_ref) if account.unit_ref else first_commune
        Membership.objects.get_or_create(user=user, unit=unit, role=account.role)
        users[account.username] = user
    return {"province": province, "communes": communes, "old_district": old_district, "users": users}

"""Reform initiatives: registered by units, evaluated above them, flagged when a unit has none."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.reporting.initiatives import evaluate_initiative, register_initiative, units_without_initiative
from chiso.reporting.models import Initiative
from chiso.reporting.monitoring import round_monitoring
from tests.test_reporting_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def test_register_evaluate_and_flag(world):
    mot = world.unit("Xã Một")
    item = register_initiative(
        world.officer("Xã Một"), mot, 2022, {"title": "Tổ công nghệ số cộng đồng", "description": "…"}
    )
    register_initiative(world.officer("Phòng Một"), world.unit("Phòng Một"), 2022, {"title": "Số hóa hồ sơ"})
    rejected = register_initiative(
        world.officer("Xã Hai"), world.unit("Xã Hai"), 2022, {"title": "Ý tưởng chưa chín"}
    )
    with pytest.raises(ValidationError) as exc:
        register_initiative(world.officer("Xã Một"), mot, 2022, {"title": "  "})
    assert exc.value.message_dict == {"title": ["Tên sáng kiến: không được để trống."]}
    with pytest.raises(PermissionDenied):
        register_initiative(world.officer("Xã Hai"), mot, 2022, {"title": "Không phải của mình"})
    with pytest.raises(PermissionDenied):
        evaluate_initiative(world.officer("Xã Một"), item, {"rating": "excellent"})
    with pytest.raises(ValidationError) as exc:
        evaluate_initiative(world.coordinator, item, {"rating": "pending"})
    assert exc.value.message_dict == {"rating": ["Đánh giá: hãy chọn một mức đánh giá."]}
    item = evaluate_initiative(
        world.coordinator,
        item,
        {"rating": "excellent", "replicate": "on", "evaluation_note": "Nhân rộng", "version": 1},
    )
    assert (item.rating, item.replicate, item.version) == ("excellent", True, 2)
    with pytest.raises(ValidationError):
        evaluate_initiative(world.coordinator, item, {"rating": "good", "version": 1})
    evaluate_initiative(world.coordinator, rejected, {"rating": "rejected"})
    assert Initiative.objects.filter(replicate=True).get() == item

    units = world.departments + world.communes
    without = {u.name for u in units_without_initiative(units, 2022)}
    assert without == {u.name for u in units} - {"Xã Một", "Phòng Một"}  # a rejected one does not count
    m = round_monitoring(world.rounds[1], dt.date(2022, 12, 20))
    assert m.totals.without_initiative == 9  # 11 units expected, two with an initiative


def test_initiative_pages(world):
    from django.test import Client
    from django.urls import reverse

    officer = Client()
    officer.force_login(world.officer("Xã Ba"))
    url = reverse("reporting-initiatives")
    response = officer.post(
        url, {"new-unit": world.unit("Xã Ba").pk, "new-year": 2022, "new-title": "Một cửa không chờ"}
    )
    assert response.status_code == 302
    item = Initiative.objects.get()
    response = officer.post(
        url, {"new-unit": world.unit("Xã Một").pk, "new-year": 2022, "new-title": "Không phải xã mình"}
    )
    assert response.status_code == 200 and Initiative.objects.count() == 1  # not one of the officer's units
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    page = coordinator.get(url + "?year=2022").content.decode()
    assert "Một cửa không chờ" in page and "Xã Một" in page  # Xã Một has none: flagged
    coordinator.post(
        url + "?year=2022",
        {"evaluate": "1", "initiative": item.pk, "rating": "excellent", "replicate": "on", "version": 1},
    )
    item.refresh_from_db()
    assert (item.rating, item.replicate) == ("excellent", True)

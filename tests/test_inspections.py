"""Inspections: a sample that meets the minimum share per stratum, weighted towards units that
reported late or have overdue tasks, reproducible from a seed; adjustments, findings, remediation,
re-inspection."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.reporting import inspections
from chiso.reporting.models import Remediation
from tests.test_reporting_world import build_world, play_round_1, play_round_2

pytestmark = pytest.mark.django_db
TODAY = dt.date(2022, 12, 20)


@pytest.fixture
def played(db):
    world = build_world()
    play_round_1(world)
    play_round_2(world)
    return world


def test_risks_from_late_reports_and_overdue_tasks(played):
    """Round 1: Phòng Ba within grace, Xã Sáu late, Xã Bảy and Xã Tám missing, Phòng Hai 2 overdue
    tasks; round 2: Xã Sáu missing, Xã Bảy late. weight = 1 + 2 × late + min(overdue, 5)."""
    risks = inspections.risks(played.district, 2022, TODAY)
    named = {
        played.unit(n).name: (r.weight, r.late_reports, r.overdue_tasks)
        for n in [u.name for u in played.departments + played.communes]
        if (r := risks.get(played.unit(n).pk))
    }
    assert named == {
        "Phòng Ba": (Decimal(3), 1, 0),
        "Phòng Hai": (Decimal(3), 0, 2),
        "Xã Sáu": (Decimal(5), 2, 0),
        "Xã Bảy": (Decimal(5), 2, 0),
        "Xã Tám": (Decimal(3), 1, 0),
    }


def test_sample_meets_the_minimum_share_and_is_reproducible(played):
    units = inspections.candidates(played.district, 2022)
    assert len(units) == 11  # Xã Tám ended on 30/6/2022
    risks = inspections.risks(played.district, 2022, TODAY)
    first = inspections.propose_sample(units, 30, seed=42, weights=risks)
    counts = Counter(p.stratum for p in first)
    assert counts == {"body": 2, "commune": 3}  # ceil(30% × 4), ceil(30% × 7)
    again = inspections.propose_sample(units, 30, seed=42, weights=risks)
    assert [p.unit.pk for p in again] == [p.unit.pk for p in first]
    samples = {
        tuple(p.unit.pk for p in inspections.propose_sample(units, 30, seed=s, weights=risks))
        for s in range(20)
    }
    assert len(samples) > 1
    assert Counter(p.stratum for p in inspections.propose_sample(units, 50, seed=1)) == {
        "body": 2,
        "commune": 4,
    }


def test_sample_is_weighted_towards_risky_units(played):
    units = inspections.candidates(played.district, 2022)
    risks = inspections.risks(played.district, 2022, TODAY)
    chosen = Counter()
    for seed in range(300):
        chosen.update(p.unit.name for p in inspections.propose_sample(units, 30, seed=seed, weights=risks))
    # Weights 5 (Xã Sáu, Xã Bảy) against 1 for the other five communes, three picked.
    assert chosen["Xã Sáu"] > 2 * chosen["Xã Một"]
    assert chosen["Xã Bảy"] > 2 * chosen["Xã Hai"]
    assert chosen["Phòng Hai"] > chosen["Phòng Một"]


def test_inspection_adjust_findings_remediation_reinspection(played):
    coordinator = played.coordinator
    inspection = inspections.create_inspection(
        coordinator, played.district, 2022, "Kiểm tra năm 2022", 30, seed=7, today=TODAY
    )
    assert inspection.targets.count() == 5
    assert inspections.coverage(inspection) == {"body": (2, 4, 2), "commune": (3, 7, 3)}
    commune_target = inspection.targets.filter(stratum="commune").first()
    with pytest.raises(ValidationError) as exc:
        inspections.remove_target(coordinator, commune_target)
    assert "cần ít nhất 3/7 đơn vị (30%)" in exc.value.messages[0]
    spare = next(
        u
        for u in inspections.candidates(played.district, 2022)
        if u.kind == "commune" and not inspection.targets.filter(unit=u).exists()
    )
    inspections.add_target(coordinator, inspection, spare)
    inspections.remove_target(coordinator, commune_target)
    assert inspections.coverage(inspection)["commune"] == (3, 7, 3)
    with pytest.raises(ValidationError):
        inspections.add_target(coordinator, inspection, played.unit("Xã Tám"))
    with pytest.raises(PermissionDenied):
        inspections.add_target(played.officer("Xã Một"), inspection, spare)

    target = inspection.targets.get(unit=spare)
    inspections.record_inspection(
        coordinator, target, {"inspected_on": "10/10/2022", "conclusion": "Còn thiếu sót"}
    )
    finding = inspections.add_finding(coordinator, target, "Chưa niêm yết công khai thủ tục hành chính")
    with pytest.raises(ValidationError) as exc:
        inspections.add_remediation(coordinator, finding, "", "31/11/2022")
    assert exc.value.message_dict == {
        "action": ["Biện pháp khắc phục: không được để trống."],
        "due_on": ["Hạn khắc phục: ngày “31/11/2022” không tồn tại."],
    }
    fix = inspections.add_remediation(
        coordinator, finding, "Niêm yết đầy đủ tại Bộ phận Một cửa", "30/11/2022"
    )
    other = inspections.add_remediation(
        coordinator, finding, "Cập nhật trang thông tin điện tử", "31/12/2022"
    )
    assert inspections.overdue_remediations(inspection, TODAY) == [fix]
    inspections.reinspect(coordinator, fix, fixed=True, on="15/12/2022", note="Đã niêm yết")
    inspections.reinspect(coordinator, other, fixed=False, on="15/12/2022")
    assert inspections.overdue_remediations(inspection, TODAY) == []
    assert inspections.overdue_remediations(inspection, dt.date(2023, 1, 5)) == [
        Remediation.objects.get(pk=other.pk)
    ]
    with pytest.raises(ValidationError):
        inspections.remove_target(coordinator, target)  # it has findings


def test_inspection_pages(played):
    from django.test import Client
    from django.urls import reverse

    from chiso.reporting.models import Inspection

    client = Client()
    client.force_login(played.coordinator)
    response = client.post(
        reverse("reporting-inspections"),
        {"owner": played.district.pk, "year": 2022, "title": "", "min_share": "30", "seed": "5"},
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reporting-inspection", args=[inspection.pk]
    )
    assert (
        inspection.title == "Kiểm tra công tác nâng cao chỉ số năm 2022" and inspection.targets.count() == 5
    )
    url = reverse("reporting-inspection", args=[inspection.pk])
    page = client.get(url).content.decode()
    assert "Xã, phường, thị trấn: 3/7 đơn vị (cần ít nhất 3)" in page
    target = inspection.targets.filter(stratum="commune").first()
    response = client.post(url, {"action": "remove", "target": target.pk}, follow=True)
    assert "cần ít nhất 3/7 đơn vị (30%)" in response.content.decode()
    client.post(
        url, {"action": "finding", "target": target.pk, "text": "Chưa công khai TTHC", "severity": "major"}
    )
    finding = target.findings.get()
    client.post(
        url,
        {
            "action": "remediation",
            "finding": finding.pk,
            "action_text": "Niêm yết TTHC",
            "due_on": "31/12/2022",
        },
    )
    remediation = finding.remediations.get()
    client.post(
        url,
        {"action": "reinspect", "remediation": remediation.pk, "fixed": "1", "reinspected_on": "05/01/2023"},
    )
    remediation.refresh_from_db()
    assert remediation.state == "fixed"
    officer = Client()
    officer.force_login(played.officer("Xã Một"))
    assert officer.get(url).status_code == 404

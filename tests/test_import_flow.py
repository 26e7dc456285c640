"""The web flow of importing a plan: upload → parse → review and correct → save as a draft plan.

Every sample goes through the views and becomes a draft with as many tasks as the parser found
and the lead units it resolved; bad files end with a Vietnamese message and nothing saved;
corrections are applied, refused when invalid (naming the row and field), and a refused save
leaves no plan, task or group behind; another user's import is 404.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.documents import importing
from chiso.documents.models import ImportJob, ImportStatus
from chiso.plans.models import Plan, Task, TaskAssignment, UnitGroup
from chiso.units.models import Role, Unit
from chiso.units.reference import create_bodies
from tests.conftest import SAMPLES, make_user
from tests.test_import_support import (
    HEADER,
    add_table,
    docx_bytes,
    encrypted_office_file,
    new_document,
    plan_paragraphs,
    scanned_pdf,
    zip_bomb,
)

# sample → (the current province whose coordinator imports it, the issuer the document names)
SAMPLE_UNITS = {
    "vi-xuyen-2021-plan": ("vn:province:08", "vn-pre2025:district:030"),
    "nguyen-trai-2024-plan": ("vn:province:33", "vn-pre2025:commune:12184"),
    "moc-chau-2022-plan": ("vn:province:14", "vn-pre2025:district:123"),
}
CASES = [
    ("vi-xuyen-2021-plan", "docx"),
    ("vi-xuyen-2021-plan", "pdf"),
    ("vi-xuyen-2021-plan", "md"),
    ("nguyen-trai-2024-plan", "docx"),
    ("nguyen-trai-2024-plan", "pdf"),
    ("nguyen-trai-2024-plan", "md"),
    ("moc-chau-2022-plan", "md"),
]

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"the sample plans are not in {SAMPLES}")


@pytest.fixture(autouse=True)
def parse_in_request(settings):
    """Tests parse in the request; the browser test covers the background run."""
    settings.CHISO_IMPORT_IN_BACKGROUND = False


@pytest.fixture
def vi_xuyen_bodies(vi_xuyen_old):
    return create_bodies(vi_xuyen_old, "district_pre2025")


def upload(client, data: bytes, name: str, issuer: Unit):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse("import-list"), {"file": file, "issuer": issuer.pk})


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def signed_in(client, user):
    client.force_login(user)
    return client


def matched_leads(task: dict, scope) -> list[int]:
    return [
        m["unit_id"] for m in task["lead_resolved"] if m["status"] == "matched" and m.get("unit_id") in scope
    ]


# ---------------------------------------------------------------------------------------------
# Every sample: upload, review, save


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_every_sample_becomes_a_draft_plan(client, name, fmt):
    from chiso.units.scope import VIEW, unit_scope

    province_ref, issuer_ref = SAMPLE_UNITS[name]
    province = Unit.objects.get(ref=province_ref)
    issuer = Unit.objects.get(ref=issuer_ref)
    if issuer.kind == "district":
        create_bodies(issuer, "district_pre2025")
    user = make_user(f"coordinator-{name}-{fmt}", province, Role.COORDINATOR)
    signed_in(client, user)
    plans_before = Plan.objects.count()

    job = job_of(upload(client, (SAMPLES / f"{name}.{fmt}").read_bytes(), f"{name}.{fmt}", province))
    assert job.status == ImportStatus.PARSED, job.error_message
    assert job.owner == user and job.unit == province
    parsed_tasks = job.result["tasks"]
    assert parsed_tasks and len(job.review["tasks"]) == len(parsed_tasks)
    # The document's issuer is recognised and offered, since the coordinator may write its plans.
    assert job.review["detected_issuer"]["ref"] == issuer_ref

    page = client.get(reverse("import-detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="import-tasks"' in html
    assert html.count('class="import-row') == len(parsed_tasks)
    assert "Lưu thành kế hoạch nháp" in html
    assert f'name="issuer" value="{issuer.pk}"' in html  # "Dùng … làm đơn vị ban hành"

    # Take the issuer the document names, then save.
    response = client.post(reverse("import-header", args=[job.pk]), {"issuer": issuer.pk})
    assert response.status_code == 302
    response = client.post(reverse("import-save", args=[job.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(import_jobs=job)
    assert response["Location"] == reverse("plan-detail", args=[plan.pk])
    assert Plan.objects.count() == plans_before + 1
    assert plan.state == "draft" and plan.issuer == issuer and plan.created_by == user
    assert plan.title == job.result["plan"]["title"]
    tasks = list(plan.tasks.order_by("position").prefetch_related("assignments"))
    assert len(tasks) == len(parsed_tasks)
    scope = unit_scope(user, VIEW)
    resolved = 0
    for task, parsed in zip(tasks, parsed_tasks, strict=True):
        assert task.text == parsed["description"]
        assert task.timeframe_text == parsed["timeframe"]["text"][:300]
        leads = [a.unit_id for a in task.assignments.all() if a.role == "lead" and a.unit_id]
        assert leads == matched_leads(parsed, scope)
        resolved += len(leads)
        if parsed.get("canonical_criterion"):
            assert [c.pk for c in task.criteria.all()] == [parsed["canonical_criterion"]["id"]]
    if name == "vi-xuyen-2021-plan":  # the others name posts and groups, or no lead at all (prose)
        assert resolved > 0
    job.refresh_from_db()
    assert job.status == ImportStatus.SAVED and job.plan == plan
    # The plan page opens, and a second save does not make a second plan.
    assert client.get(reverse("plan-detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("import-save", args=[job.pk]))["Location"] == reverse(
        "plan-detail", args=[plan.pk]
    )
    assert Plan.objects.count() == plans_before + 1


@pytest.mark.django_db
def test_vi_xuyen_leads_resolved_as_the_parser_resolved_them(
    client, coordinator, tuyen_quang, vi_xuyen_bodies
):
    signed_in(client, coordinator)
    data = (SAMPLES / "vi-xuyen-2021-plan.docx").read_bytes()
    job = job_of(upload(client, data, "vi-xuyen-2021-plan.docx", tuyen_quang))
    matched = sum(
        1 for task in job.result["tasks"] for m in task["lead_resolved"] if m["status"] == "matched"
    )
    total = sum(len(task["lead_resolved"]) for task in job.result["tasks"])
    assert matched / total >= 0.95  # the bodies of the old district exist: leads resolve
    client.post(reverse("import-save", args=[job.pk]))
    plan = Plan.objects.get(import_jobs=job)
    assert TaskAssignment.objects.filter(task__plan=plan, role="lead", unit__isnull=False).count() == matched
    # "UBND các xã, thị trấn" became the issuer's standard group of communes.
    groups = UnitGroup.objects.filter(task_assignments__task__plan=plan).distinct()
    assert {g.owner for g in groups} == {tuyen_quang}
    assert any("commune" in g.kinds for g in groups)
    assert plan.frameworks.filter(framework__kind="PAPI").exists()
    assert plan.references.filter(kind="implements", number_symbol="163/KH-UBND").exists()
    assert plan.lower_plan_due_on.isoformat() == "2021-06-15"


# ---------------------------------------------------------------------------------------------
# Bad files: a message, nothing saved


def _no_table_docx() -> bytes:
    document = new_document()
    plan_paragraphs(document)
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph("Các cơ quan, đơn vị triển khai thực hiện kế hoạch này.")
    return docx_bytes(document)


REFUSED_AT_UPLOAD = [
    (bytes(range(256)) * 8, "ke-hoach.txt", "nhị phân"),  # binary disguised as text
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "anh.png", "không được hỗ trợ"),
    (b"khong phai word " * 50, "ke-hoach.docx", "không phải tệp Word hợp lệ"),
    (b"khong phai pdf " * 50, "ke-hoach.pdf", "không phải tệp PDF hợp lệ"),
    (b"   \n  ", "rong.txt", "rỗng"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "name", "message"), REFUSED_AT_UPLOAD)
def test_wrong_type_or_corrupt_file_is_refused_at_upload(
    client, coordinator, tuyen_quang, data, name, message
):
    signed_in(client, coordinator)
    response = upload(client, data, name, tuyen_quang)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists() and not Plan.objects.exists()


@pytest.mark.django_db
def test_file_over_the_size_limit_is_refused(client, coordinator, tuyen_quang, settings):
    settings.CHISO_IMPORT_MAX_BYTES = 1024 * 1024
    signed_in(client, coordinator)
    response = upload(client, b"a" * (1024 * 1024 + 1), "ke-hoach.md", tuyen_quang)
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode() and "1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


FAILING_IN_PARSE = [
    (lambda: zip_bomb(60), "ke-hoach.docx", "zip_bomb"),
    (encrypted_office_file, "ke-hoach.docx", "encrypted"),
    (scanned_pdf, "scan.pdf", "no_text"),
    (_no_table_docx, "khong-bang.docx", "no_tasks"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "name", "code"), FAILING_IN_PARSE)
def test_unreadable_document_shows_its_message_and_saves_nothing(
    client, coordinator, tuyen_quang, build, name, code
):
    signed_in(client, coordinator)
    job = job_of(upload(client, build(), name, tuyen_quang))
    assert job.status == ImportStatus.FAILED
    assert job.error_code == code
    assert job.review is None and job.result is None
    page = client.get(reverse("import-detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="import-error"' in html
    assert job.error_message.split("“")[0] in html
    assert "Chưa có gì được lưu" in html
    # Nothing to review or save.
    assert client.post(reverse("import-save", args=[job.pk])).status_code == 302
    assert not Plan.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.plan is None


@pytest.mark.django_db
def test_messages_name_the_problem(client, coordinator, tuyen_quang):
    signed_in(client, coordinator)
    messages = {}
    for build, name, code in FAILING_IN_PARSE:
        messages[code] = job_of(upload(client, build(), name, tuyen_quang)).error_message
    assert "nén" in messages["zip_bomb"] or "giải nén" in messages["zip_bomb"]
    assert "mật khẩu" in messages["encrypted"]
    assert "OCR" in messages["no_text"] or "quét" in messages["no_text"]
    assert "bảng nhiệm vụ" in messages["no_tasks"]


# ---------------------------------------------------------------------------------------------
# Corrections


@pytest.fixture
def vi_xuyen_job(client, coordinator, tuyen_quang, vi_xuyen_old, vi_xuyen_bodies):
    signed_in(client, coordinator)
    data = (SAMPLES / "vi-xuyen-2021-plan.docx").read_bytes()
    job = job_of(upload(client, data, "vi-xuyen-2021-plan.docx", tuyen_quang))
    client.post(reverse("import-header", args=[job.pk]), {"issuer": vi_xuyen_old.pk})
    job.refresh_from_db()
    assert job.review["header"]["issuer"] == vi_xuyen_old.pk
    return job


def row_of(job: ImportJob, number: int) -> dict:
    job.refresh_from_db()
    return next(t for t in job.review["tasks"] if t["row"] == number)


def first_row(job: ImportJob, predicate) -> dict:
    return next(t for t in job.review["tasks"] if predicate(t))


@pytest.mark.django_db
def test_unit_and_criterion_corrections_are_applied(client, vi_xuyen_job, vi_xuyen_old):
    job = vi_xuyen_job
    row = first_row(
        job, lambda t: any(e["status"] == "unmatched" for e in t["leads"])
    )  # Bảo hiểm xã hội huyện
    health = Unit.objects.get(parent=vi_xuyen_old, name__icontains="Y tế")
    papi = job.review["header"]["frameworks"]
    from chiso.frameworks.models import Criterion

    criterion = Criterion.objects.filter(version_id__in=papi, code="6.1").first()
    assert criterion is not None
    edit = reverse("import-task-edit", args=[job.pk, row["row"]])
    form = client.get(edit, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and 'name="leads"' in form.content.decode()
    assert "<html" not in form.content.decode()  # the row only
    # Without JavaScript the whole page opens with the row's form in place.
    page = client.get(edit).content.decode()
    assert "<html" in page and "import-form-row" in page and 'data-testid="import-tasks"' in page
    page = client.get(reverse("import-header", args=[job.pk])).content.decode()
    assert "<html" in page and 'name="title"' in page
    response = client.post(
        edit,
        {
            "text": row["text"] + " (đã sửa)",
            "timeframe_text": "Trước ngày 30/11/2021",
            "leads_sent": "1",
            "leads": [json.dumps({"ref": f"unit:{health.pk}", "text": "Trung tâm Y tế"})],
            "partners_sent": "1",
            "criteria_sent": "1",
            "criteria": [str(criterion.pk)],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "(đã sửa)" in response.content.decode()
    fixed = row_of(job, row["row"])
    assert fixed["leads"] == [
        {"text": "Trung tâm Y tế", "status": "matched", "ref": f"unit:{health.pk}", "label": health.name}
    ]
    assert fixed["partners"] == []
    assert [c["id"] for c in fixed["criteria"]] == [criterion.pk]
    assert fixed["due_on"] == "2021-11-30" and fixed["edited"]
    assert importing.task_flags(fixed, papi) == []

    # Leave one row out, save: the plan has the corrected row and not the dropped one.
    dropped = row_of(job, 2)
    client.post(reverse("import-task-drop", args=[job.pk, 2]), {"drop": "1"})
    response = client.post(reverse("import-save", args=[job.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(import_jobs=job)
    assert plan.issuer == vi_xuyen_old
    assert plan.tasks.count() == len(job.review["tasks"]) - 1
    assert not plan.tasks.filter(text=dropped["text"]).exists() or dropped["text"] in [
        t["text"] for t in job.review["tasks"] if t["row"] != 2
    ]
    task = plan.tasks.get(text=row["text"] + " (đã sửa)")
    assert [a.unit for a in task.leads] == [health]
    assert [c.pk for c in task.criteria.all()] == [criterion.pk]
    assert task.due_on.isoformat() == "2021-11-30"
    assert task.lead_text == "Trung tâm Y tế"


@pytest.mark.django_db
def test_header_correction_is_applied_and_checked(client, vi_xuyen_job):
    job = vi_xuyen_job
    url = reverse("import-header", args=[job.pk])
    response = client.post(url, {"title": "Kế hoạch nâng cao PAPI huyện Vị Xuyên 2021", "place": "Hà Giang"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.review["header"]["title"] == "Kế hoạch nâng cao PAPI huyện Vị Xuyên 2021"
    # Refused with the field named, nothing changed.
    response = client.post(url, {"issued_on": "31/02/2021"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Ngày ban hành: ngày “31/02/2021” không tồn tại." in response.content.decode()
    response = client.post(url, {"number_symbol": "154 KH UBND"})
    assert response.status_code == 400 and "Số, ký hiệu" in response.content.decode()
    response = client.post(url, {"title": ""})
    assert response.status_code == 400 and "Trích yếu: không được để trống." in response.content.decode()
    job.refresh_from_db()
    assert job.review["header"]["issued_on"] == "2021-05-31"
    assert job.review["header"]["number_symbol"] == "154/KH-UBND"
    assert job.review["header"]["title"] == "Kế hoạch nâng cao PAPI huyện Vị Xuyên 2021"


@pytest.mark.django_db
def test_invalid_correction_is_refused_naming_row_and_field(client, vi_xuyen_job, outsider):
    job = vi_xuyen_job
    before = row_of(job, 3)
    cao_bang = Unit.objects.get(ref="vn:province:04")  # outside the coordinator's scope
    edit = reverse("import-task-edit", args=[job.pk, 3])
    cases = [
        (
            {"leads_sent": "1", "leads": ["unit:999999999"]},
            "Đơn vị chủ trì: không tìm thấy đơn vị “unit:999999999”.",
        ),
        ({"leads_sent": "1", "leads": [f"unit:{cao_bang.pk}"]}, "Đơn vị chủ trì: không tìm thấy đơn vị"),
        (
            {"partners_sent": "1", "partners": ["group:999999999"]},
            "Đơn vị phối hợp: không tìm thấy nhóm đơn vị",
        ),
        ({"criteria_sent": "1", "criteria": ["999999999"]}, "Tiêu chí: không tìm thấy tiêu chí “999999999”."),
        ({"text": "   "}, "Nhiệm vụ: không được để trống."),
        (
            {"timeframe_text": "Trước ngày 31/02/2021"},
            "Thời gian thực hiện: ngày “31/02/2021” không tồn tại.",
        ),
        ({"due_on": "hôm nay"}, "Hạn hoàn thành: “hôm nay” không phải là ngày"),
    ]
    for data, message in cases:
        response = client.post(edit, {"text": before["text"], **data}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400, data
        html = response.content.decode()
        assert "Dòng 3 (" in html and message in html, (data, html[:3000])
        assert row_of(job, 3) == before  # nothing applied
    # A criterion of another framework than the plan's.
    from chiso.frameworks.models import Criterion

    other = (
        Criterion.objects.filter(version__owner__isnull=True, version__framework__owner__isnull=True)
        .exclude(version_id__in=job.review["header"]["frameworks"])
        .first()
    )
    response = client.post(edit, {"text": before["text"], "criteria_sent": "1", "criteria": [str(other.pk)]})
    assert response.status_code == 400
    assert "không thuộc bộ chỉ số của kế hoạch" in response.content.decode()
    # A unit that no longer existed on the plan's date (a commune formed in 2025, plan of 2021).
    new_commune = Unit.objects.get(ref__startswith="vn2025:commune:", name="Xã Vị Xuyên")
    response = client.post(
        edit, {"text": before["text"], "leads_sent": "1", "leads": [f"unit:{new_commune.pk}"]}
    )
    assert response.status_code == 400
    assert "không còn hoặc chưa có hiệu lực vào ngày 31/05/2021" in response.content.decode()
    assert row_of(job, 3) == before


@pytest.mark.django_db
def test_a_refused_save_names_the_row_and_saves_nothing(client, vi_xuyen_job, vi_xuyen_old):
    """A row that became invalid after review (its unit left the user's reach) refuses the whole
    save: no plan, no task, no group created on the way."""
    job = vi_xuyen_job
    # Row 5 points at a unit that has since been removed from the tree.
    doomed = Unit.objects.create(parent=vi_xuyen_old, name="Phòng Thử nghiệm", kind="department")
    client.post(
        reverse("import-task-edit", args=[job.pk, 5]),
        {"text": row_of(job, 5)["text"], "leads_sent": "1", "leads": [f"unit:{doomed.pk}"]},
    )
    assert row_of(job, 5)["leads"][0]["ref"] == f"unit:{doomed.pk}"
    doomed_pk = doomed.pk
    doomed.delete()
    groups_before = UnitGroup.objects.count()
    response = client.post(reverse("import-save", args=[job.pk]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="save-errors"' in html
    assert "Dòng 5 (" in html and f"Đơn vị chủ trì: không tìm thấy đơn vị “unit:{doomed_pk}”" in html
    assert not Plan.objects.exists() and not Task.objects.exists()
    assert UnitGroup.objects.count() == groups_before
    job.refresh_from_db()
    assert job.status == ImportStatus.PARSED and job.plan is None

    # An invalid header refuses the save the same way.
    review = job.review
    review["header"]["title"] = ""
    ImportJob.objects.filter(pk=job.pk).update(review=review)
    html = client.post(reverse("import-save", args=[job.pk])).content.decode()
    assert "Thông tin chung — Trích yếu: không được để trống." in html
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_pickers_search_accent_insensitive_in_scope(client, vi_xuyen_job, vi_xuyen_old):
    job = vi_xuyen_job
    html = client.get(reverse("import-pick-units", args=[job.pk]), {"q": "phong tai nguyen"}).content.decode()
    body = Unit.objects.get(parent=vi_xuyen_old, name="Phòng Tài nguyên và Môi trường")
    assert f'data-pick-value="unit:{body.pk}"' in html
    # Cao Bằng's units are outside the coordinator's scope.
    html = client.get(reverse("import-pick-units", args=[job.pk]), {"q": "cao bang"}).content.decode()
    assert "Cao Bằng" not in html
    html = client.get(
        reverse("import-pick-criteria", args=[job.pk]), {"q": "tri thuc cong dan"}
    ).content.decode()
    assert "1.1 Tri thức công dân" in html


# ---------------------------------------------------------------------------------------------
# Permissions


@pytest.mark.django_db
def test_another_users_job_is_404(client, vi_xuyen_job, outsider, officer, tuyen_quang):
    job = vi_xuyen_job
    urls = [
        ("get", reverse("import-detail", args=[job.pk])),
        ("get", reverse("import-progress", args=[job.pk])),
        ("get", reverse("import-header", args=[job.pk])),
        ("get", reverse("import-task-edit", args=[job.pk, 1])),
        ("get", reverse("import-pick-units", args=[job.pk])),
        ("post", reverse("import-task-drop", args=[job.pk, 1])),
        ("post", reverse("import-save", args=[job.pk])),
        ("post", reverse("import-delete", args=[job.pk])),
    ]
    for user in (outsider, officer):  # another province; the same province but not its admin
        client.force_login(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (user, url)
        assert job.filename not in client.get(reverse("import-list")).content.decode()
    assert ImportJob.objects.filter(pk=job.pk).exists() and not Plan.objects.exists()
    # An administrator of the unit sees it.
    admin = make_user("quan-tri", tuyen_quang, Role.ADMIN)
    client.force_login(admin)
    assert client.get(reverse("import-detail", args=[job.pk])).status_code == 200


@pytest.mark.django_db
def test_issuer_must_be_a_unit_the_user_may_write(client, officer, tuyen_quang, commune, outsider):
    signed_in(client, officer)
    data = (SAMPLES / "vi-xuyen-2021-plan.md").read_bytes()
    response = upload(client, data, "vi-xuyen.md", tuyen_quang)  # the officer's commune only
    assert response.status_code == 400 and not ImportJob.objects.exists()
    job = job_of(upload(client, data, "vi-xuyen.md", commune))
    # The document's issuer (an old district) is outside the officer's reach: not offered, and
    # switching to it is refused.
    assert job.review["detected_issuer"] is None
    district = Unit.objects.get(ref="vn-pre2025:district:030")
    response = client.post(reverse("import-header", args=[job.pk]), {"issuer": district.pk})
    assert response.status_code == 400
    assert "Cơ quan ban hành: bạn không có quyền" in response.content.decode()
    client.force_login(outsider)
    assert client.get(reverse("import-list")).status_code == 200


@pytest.mark.django_db
def test_list_and_login(client, coordinator):
    assert client.get(reverse("import-list")).status_code == 302  # login required
    signed_in(client, coordinator)
    html = client.get(reverse("import-list")).content.decode()
    assert 'enctype="multipart/form-data"' in html and "Tỉnh Tuyên Quang" in html
    assert 'href="/imports/"' in client.get(reverse("home")).content.decode()  # the nav link


# ---------------------------------------------------------------------------------------------
# The job runner


@pytest.mark.django_db
def test_run_job_records_progress_and_is_idempotent(coordinator, tuyen_quang):
    data = (SAMPLES / "moc-chau-2022-plan.md").read_bytes()
    job = importing.create_job(coordinator, tuyen_quang, "../../etc/moc-chau.md", data)
    assert job.filename == "moc-chau.md" and job.format == "md" and job.status == ImportStatus.QUEUED
    done = importing.run_job(job.pk)
    assert done.status == ImportStatus.PARSED and done.progress == 100 and done.finished_at
    again = importing.run_job(job.pk)  # a second run of a finished job changes nothing
    assert again.review == done.review


@pytest.mark.django_db
def test_interrupted_job_can_be_read_again(client, coordinator, tuyen_quang):
    import datetime as dt

    from django.utils import timezone

    data = (SAMPLES / "moc-chau-2022-plan.md").read_bytes()
    job = importing.create_job(coordinator, tuyen_quang, "moc-chau.md", data)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, updated_at=timezone.now() - dt.timedelta(minutes=10)
    )
    signed_in(client, coordinator)
    html = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "bị gián đoạn" in html and "Đọc lại tệp" in html
    assert client.post(reverse("import-retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.PARSED


@pytest.mark.django_db
def test_progress_fragment_polls_until_the_job_is_done(client, coordinator, tuyen_quang):
    data = (SAMPLES / "moc-chau-2022-plan.md").read_bytes()
    job = importing.create_job(coordinator, tuyen_quang, "moc-chau.md", data)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, progress=60, stage="Đang đối chiếu"
    )
    signed_in(client, coordinator)
    url = reverse("import-progress", args=[job.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Refresh" not in response
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert 'aria-valuenow="60"' in html and "Đang đối chiếu" in html
    importing.run_job(job.pk)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "every 1s" not in response.content.decode()
    assert (
        'data-testid="import-tasks"' in client.get(reverse("import-detail", args=[job.pk])).content.decode()
    )


def _uncertain_plan_docx() -> bytes:
    """A plan without number, place or date, with a unit and a criterion of its own and a row
    without timeframe."""
    document = new_document()
    for line in (
        "ỦY BAN NHÂN DÂN",
        "HUYỆN VỊ XUYÊN",
        "KẾ HOẠCH",
        "Nâng cao Chỉ số cải cách hành chính (PAR INDEX) năm 2023",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nâng cao chất lượng cải cách hành chính trên địa bàn huyện.",
        "PHỤ LỤC",
    ):
        document.add_paragraph(line)
    add_table(
        document,
        HEADER,
        [
            [
                "1",
                "Công tác chỉ đạo, điều hành cải cách hành chính",
                "Ban hành kế hoạch cải cách hành chính năm 2023",
                "Kế hoạch",
                "Phòng Nội vụ",
                "Các cơ quan, đơn vị",
                "Trước ngày 31/3/2023",
            ],
            [
                "2",
                "Nội dung riêng của huyện về chợ",
                "Sắp xếp lại các điểm kinh doanh tại chợ trung tâm",
                "Báo cáo",
                "Ban Quản lý chợ trung tâm",
                "",
                "Quý III",
            ],
            [
                "3",
                "Cải cách thủ tục hành chính",
                "Rà soát thủ tục hành chính",
                "Báo cáo",
                "Phòng Nội vụ",
                "",
                "",
            ],
        ],
    )
    return docx_bytes(document)


@pytest.mark.django_db
def test_review_highlights_what_the_parser_was_unsure_of(client, vi_xuyen_old, vi_xuyen_bodies):
    user = make_user("huyen", vi_xuyen_old, Role.COORDINATOR)
    signed_in(client, user)
    job = job_of(upload(client, _uncertain_plan_docx(), "chua-ro.docx", vi_xuyen_old))
    review = job.review
    flags = importing.header_flags(review)
    assert set(flags) == {"issuer", "number_symbol", "place", "issued_on"}  # title and period were found
    rows = {t["row"]: importing.task_flags(t, review["header"]["frameworks"]) for t in review["tasks"]}
    assert rows[1] == []  # Phòng Nội vụ matched; "Các cơ quan, đơn vị" is the standard group of bodies
    assert review["tasks"][0]["partners"][0]["ref"] == "standard:bodies"
    assert {f["field"] for f in rows[2]} == {"leads", "criteria"}
    assert "“Ban Quản lý chợ trung tâm” chưa khớp đơn vị nào" in rows[2][0]["message"]
    assert rows[3] == [{"field": "timeframe_text", "message": "Chưa có thời gian thực hiện"}]
    html = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert html.count("Không tìm thấy trong văn bản") == 3  # number, place, date
    assert "văn bản không ghi cơ quan ban hành" in html
    assert "Tiêu chí chưa khớp danh mục bộ chỉ số" in html
    assert html.count("import-row-flagged") == 2
    # A draft can still be saved without number and date, then completed on the plan's page.
    response = client.post(reverse("import-save", args=[job.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(import_jobs=job)
    assert plan.number == "" and plan.issued_on is None and plan.year_from == 2023
    assert plan.tasks.count() == 3

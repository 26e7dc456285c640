"""Demo plans: the Vị Xuyên 2021 PAPI plan (154/KH-UBND), issued and cascaded to some of its units.

The plan is built from `data/demo/vi_xuyen_2021_plan.json`, a transcription of every appendix row
of the real plan, through the same service functions users go through (validated, audited).
Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chiso.core import audit
from chiso.core.workdays import is_working_day
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion
from chiso.plans import services
from chiso.plans.cascade import cascade_plan
from chiso.plans.demo_lower import issue_demo_lower_plans
from chiso.plans.groups import standard_group
from chiso.plans.models import Plan, PlanState, UnitGroup
from chiso.units.models import Unit
from chiso.units.reference import create_bodies

DATA_FILE = "vi_xuyen_2021_plan.json"


def data_path() -> Path:
    return settings.DATA_DIR / "demo" / DATA_FILE


def load_demo_data(path: Path | None = None) -> dict:
    return json.loads((path or data_path()).read_text(encoding="utf-8"))


def appendix_rows(data: dict) -> list[dict]:
    """The appendix rows with merged cells filled from the row above (what each task's cells hold)."""
    rows: list[dict] = []
    for raw in data["rows"]:
        row = dict(raw)
        for name in raw.get("same_as_above", []):
            row[name] = rows[-1][name]
            if name == "lead":
                row["lead_names"] = rows[-1]["lead_names"]
            if name == "partners":
                row["partner_names"] = rows[-1]["partner_names"]
        rows.append(row)
    return rows


def _normal_code(code: str) -> str:
    """ "D1" → "1", "D1.1" → "1.1", "1.1" → "1.1"."""
    return re.sub(r"^[A-Za-z]+", "", code.strip())


def papi_version(year: int) -> FrameworkVersion | None:
    framework = Framework.objects.filter(
        Q(code="PAPI") | Q(kind=Framework.Kind.PAPI), owner__isnull=True
    ).first()
    if framework is None:
        return None
    return framework.versions.filter(owner__isnull=True).for_year(year).order_by("-year_from").first()


def criteria_by_code(version: FrameworkVersion | None) -> dict[str, Criterion]:
    if version is None:
        return {}
    return {_normal_code(c.code): c for c in Criterion.objects.filter(version=version)}


def find_criterion(codes: dict[str, Criterion], code: str) -> Criterion | None:
    """The criterion with this code, else its dimension (a sub-dimension the version no longer has)."""
    code = _normal_code(code)
    if code in codes:
        return codes[code]
    return codes.get(code.split(".")[0])


def _ensure_units(district: Unit, data: dict, actor) -> dict[str, Unit]:
    create_bodies(district, "district_pre2025", actor=actor)
    existing = {u.name: u for u in Unit.objects.filter(parent=district)}
    for item in data.get("extra_units", []):
        if item["name"] in existing:
            continue
        unit = Unit(
            parent=district,
            name=item["name"],
            kind=item["kind"],
            aliases=item.get("aliases", ""),
            valid_from=district.valid_from,
            valid_to=district.valid_to,
        )
        audit.save_audited(unit, actor, note="Dữ liệu minh họa")
        existing[unit.name] = unit
    return existing


def _ensure_groups(district: Unit, data: dict, units: dict[str, Unit], actor) -> dict[str, UnitGroup]:
    groups = {g.name: g for g in UnitGroup.objects.filter(owner=district)}
    for item in data.get("unit_groups", []):
        if item["name"] in groups:
            continue
        group = UnitGroup(
            owner=district,
            name=item["name"],
            member_kinds=item.get("member_kinds", ""),
            depth=item.get("depth", 1),
        )
        audit.save_audited(group, actor, note="Dữ liệu minh họa")
        if item.get("members"):
            group.members.set([units[name] for name in item["members"]])
        groups[group.name] = group
    return groups


def _assignees(
    names: list[str], parties: dict, units: dict[str, Unit], groups: dict[str, UnitGroup]
) -> list[dict]:
    result = []
    for name in names:
        target = parties[name]
        if "unit" in target:
            result.append({"ref": f"unit:{units[target['unit']].pk}", "label": name})
        else:
            result.append({"ref": f"group:{groups[target['group']].pk}", "label": name})
    return result


def task_payloads(data: dict, units, groups, codes) -> list[dict]:
    titles = {g["code"]: g["title"] for g in data["groups"]}
    payloads = []
    for row in appendix_rows(data):
        group_code = row["criterion"].split(".")[0]
        criterion = find_criterion(codes, row["criterion"])
        payloads.append(
            {
                "group_code": group_code,
                "group_title": titles.get(group_code, ""),
                "number": row["tt"],
                "criterion_label": row["label"],
                "text": row["task"],
                "target_text": row["target"],
                "lead_text": row["lead"],
                "partners_text": row["partners"],
                "timeframe_text": row["timeframe"],
                "criteria": [criterion.pk] if criterion else [],
                "leads": _assignees(row["lead_names"], data["parties"], units, groups),
                "partners": _assignees(row["partner_names"], data["parties"], units, groups),
            }
        )
    return payloads


@transaction.atomic
def build_vi_xuyen_plan(actor=None, data: dict | None = None) -> Plan:
    """The issued Vị Xuyên plan 154/KH-UBND with every appendix row (created once)."""
    data = data or load_demo_data()
    spec = data["plan"]
    district = Unit.objects.get(ref=spec["issuer_ref"])
    number, symbol = spec["number_symbol"].split("/", 1)
    existing = Plan.objects.filter(
        issuer=district, number=number, symbol=symbol, number_year=int(spec["issued_on"][:4])
    ).first()
    if existing is not None:
        return existing
    units = _ensure_units(district, data, actor)
    groups = _ensure_groups(district, data, units, actor)
    version = papi_version(spec["year_from"])
    codes = criteria_by_code(version)
    plan = services.create_plan(
        actor,
        district,
        {
            "number_symbol": f"/{symbol}",
            "place": spec["place"],
            "title": spec["title"],
            "year_from": spec["year_from"],
            "year_to": spec["year_to"],
            "frameworks": [version.pk] if version else [],
            "preamble": "\n".join(spec["preamble"]),
            "recipients": "\n".join(spec["recipients"]),
            "signer_authority": spec["signer_authority"],
            "signer_title": spec["signer_title"],
            "signer_name": spec["signer_name"],
            "appendix_title": spec["appendix_title"],
            "lower_plan_due_on": spec.get("lower_plan_due_on") or "",
            "sections": spec["sections"],
            "references": [{"kind": "implements", **ref} for ref in spec.get("implements", [])],
            "deadlines": spec.get("deadlines", []),
        },
    )
    for payload in task_payloads(data, units, groups, codes):
        services.add_task(actor, plan, payload)
    plan.refresh_from_db()
    return services.issue_plan(
        actor, plan, version=plan.version, issued_on=spec["issued_on"], number_symbol=spec["number_symbol"]
    )


@transaction.atomic
def cascade_demo(plan: Plan, actor=None, data: dict | None = None) -> list[Plan]:
    """Drafts for some of the plan's units; two of them issued (one on time, one late)."""
    data = data or load_demo_data()
    spec = data.get("cascade") or {}
    district = plan.issuer
    wanted = spec.get("units", [])
    targets = {
        u.name: u
        for u in Unit.objects.filter(
            Q(parent=district) | Q(parent__parent=district), name__in=wanted
        ).valid_on(plan.issued_on)
    }
    cascade_plan(actor, plan, [targets[name].pk for name in wanted if name in targets])
    lower = {p.issuer.name: p for p in Plan.objects.filter(upper_plan=plan).select_related("issuer")}
    for item in spec.get("issued", []):
        draft = lower.get(item["unit"])
        if draft is None or draft.state != PlanState.DRAFT:
            continue
        lower[item["unit"]] = services.issue_plan(
            actor,
            draft,
            version=draft.version,
            issued_on=item["issued_on"],
            number_symbol=item["number_symbol"],
        )
    return list(lower.values())


def build_demo_plans(actor=None) -> list[Plan]:
    """The demo plans (idempotent): the Vị Xuyên 2021 plan and its lower plans."""
    data = load_demo_data()
    plan = build_vi_xuyen_plan(actor, data)
    lower = cascade_demo(plan, actor, data) if not plan.lower_plans.exists() else list(plan.lower_plans.all())
    return [plan, *lower]


# ---------------------------------------------------------------------------------------------
# The current year's province plan: real, current work for every demo account.

PROVINCE_REF = "vn:province:08"  # Tỉnh Tuyên Quang (the demo world's province)
PROVINCE_PLAN_NUMBER = "58"
PROVINCE_PLAN_SYMBOL = "KH-UBND"
PROVINCE_CASCADE = ["Sở Nội vụ", "Xã Vị Xuyên", "Phường Hà Giang 1", "Xã Thanh Thủy", "Xã Minh Tân"]
LOWER_PLAN_WORKING_DAYS = 15
COMMUNES = "UBND các xã, phường"

# (dimension, criterion, task, target, output, lead, partners, timeframe); COMMUNES is the group.
PROVINCE_TASKS = [
    (
        "1",
        "1.1",
        "Tuyên truyền, phổ biến Luật Thực hiện dân chủ ở cơ sở và các chính sách mới sau sắp xếp đơn vị "
        "hành chính cấp xã trên hệ thống truyền thanh cơ sở, mạng xã hội và các buổi họp thôn, tổ dân phố",
        "100% xã, phường",
        "Chuyên mục tuyên truyền hằng tháng; báo cáo kết quả",
        "Sở Văn hóa, Thể thao và Du lịch",
        ["Sở Tư pháp", COMMUNES],
        "Thường xuyên",
    ),
    (
        "1",
        "1.4",
        "Công khai, lấy ý kiến người dân trước khi huy động đóng góp xây dựng công trình công cộng ở "
        "thôn, tổ dân phố; công khai kết quả thu, chi các khoản đóng góp",
        "100% công trình có huy động đóng góp được công khai",
        "Biên bản họp thôn, tổ dân phố; bảng công khai tại nhà văn hóa",
        COMMUNES,
        ["Sở Tài chính"],
        "Thường xuyên",
    ),
    (
        "2",
        "2.2",
        "Rà soát và niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã, phường và "
        "nhà văn hóa thôn, tổ dân phố theo đúng quy trình",
        "100% xã, phường",
        "Danh sách được niêm yết; biên bản niêm yết",
        COMMUNES,
        ["Sở Y tế"],
        "Quý IV/{year}",
    ),
    (
        "2",
        "2.4",
        "Công khai quy hoạch, kế hoạch sử dụng đất, bảng giá đất và phương án bồi thường, hỗ trợ, tái định "
        "cư trên cổng thông tin điện tử và tại trụ sở UBND xã, phường",
        "100% quy hoạch, kế hoạch sử dụng đất được công khai đúng hạn",
        "Thông tin công khai trên cổng thông tin điện tử tỉnh và xã",
        "Sở Nông nghiệp và Môi trường",
        [COMMUNES],
        "Thường xuyên",
    ),
    (
        "3",
        "3.2",
        "Tiếp công dân định kỳ của Chủ tịch UBND xã, phường; giải quyết dứt điểm đơn thư khiếu nại, tố "
        "cáo, kiến nghị, phản ánh ngay từ cơ sở",
        "≥ 90% đơn thư thuộc thẩm quyền được giải quyết",
        "Sổ tiếp công dân; báo cáo kết quả giải quyết đơn thư",
        "Thanh tra tỉnh",
        [COMMUNES],
        "Thường xuyên",
    ),
    (
        "4",
        "4.3",
        "Công khai quy trình, kết quả tuyển dụng, bố trí công chức cấp xã sau sắp xếp; xử lý nghiêm các "
        "trường hợp nhũng nhiễu, gây phiền hà cho người dân",
        "100% kỳ tuyển dụng được công khai",
        "Thông báo tuyển dụng, kết quả công khai trên cổng thông tin điện tử",
        "Sở Nội vụ",
        ["Thanh tra tỉnh", COMMUNES],
        "Năm {year}",
    ),
    (
        "5",
        "5.4",
        "Giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính công xã, phường đúng hạn; công "
        "khai tiến độ giải quyết hồ sơ và xin lỗi người dân khi hồ sơ trễ hạn",
        "≥ 95% hồ sơ đúng hạn",
        "Số liệu trên Hệ thống thông tin giải quyết thủ tục hành chính tỉnh",
        "Văn phòng UBND tỉnh",
        ["Trung tâm Phục vụ hành chính công tỉnh", COMMUNES],
        "Thường xuyên",
    ),
    (
        "6",
        "6.4",
        "Duy trì mô hình tổ an ninh, trật tự ở cơ sở; bảo đảm an ninh, trật tự tại khu dân cư",
        "100% thôn, tổ dân phố có tổ bảo vệ an ninh, trật tự",
        "Báo cáo tình hình an ninh, trật tự hằng quý",
        "Công an tỉnh",
        [COMMUNES],
        "Thường xuyên",
    ),
    (
        "7",
        "7.1",
        "Kiểm tra việc thu gom, xử lý rác thải sinh hoạt và chất thải của cơ sở sản xuất, kinh doanh; "
        "xử lý nghiêm vi phạm về bảo vệ môi trường",
        "≥ 80% rác thải sinh hoạt được thu gom, xử lý",
        "Kết quả kiểm tra; báo cáo công tác bảo vệ môi trường",
        "Sở Nông nghiệp và Môi trường",
        [COMMUNES],
        "Quý IV/{year}",
    ),
    (
        "8",
        "8.1",
        "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến, cổng thông tin điện tử của tỉnh và xã "
        "thông qua tổ công nghệ số cộng đồng",
        "≥ 60% hồ sơ thủ tục hành chính nộp trực tuyến",
        "Số liệu trên Cổng Dịch vụ công; báo cáo của tổ công nghệ số cộng đồng",
        "Sở Khoa học và Công nghệ",
        [COMMUNES],
        "Thường xuyên",
    ),
]


def current_papi_version(year: int) -> FrameworkVersion | None:
    """The PAPI version of `year`, else the latest national one (the survey publishes a year late)."""
    version = papi_version(year)
    if version is not None:
        return version
    framework = Framework.objects.filter(
        Q(code="PAPI") | Q(kind=Framework.Kind.PAPI), owner__isnull=True
    ).first()
    if framework is None:
        return None
    return framework.versions.filter(owner__isnull=True).order_by("-year_from", "-id").first()


def province_plan_issue_date(today: dt.date) -> dt.date:
    """A working day about ten days before `today`, in `today`'s year, never after today.

    Relative to today so that the lower plans' deadline (15 working days later) is still ahead
    whenever the demo is loaded.
    """
    day = max(today - dt.timedelta(days=10), dt.date(today.year, 1, 2))
    day = min(day, today)
    while not is_working_day(day) and day > dt.date(today.year, 1, 1):
        day -= dt.timedelta(days=1)
    return day


def province_plan(province: Unit, year: int) -> Plan | None:
    return Plan.objects.filter(
        issuer=province, number=PROVINCE_PLAN_NUMBER, symbol=PROVINCE_PLAN_SYMBOL, number_year=year
    ).first()


def _province_task_payloads(province: Unit, year: int, version, actor) -> list[dict]:
    bodies = {u.name: u for u in Unit.objects.filter(parent=province)}
    communes = standard_group(province, "communes", actor)
    codes = criteria_by_code(version)

    def party(name: str) -> dict:
        if name == COMMUNES:
            return {"ref": f"group:{communes.pk}", "label": COMMUNES}
        return {"ref": f"unit:{bodies[name].pk}", "label": name}

    payloads = []
    numbers: dict[str, int] = {}
    for dimension, code, text, target, output, lead, partners, timeframe in PROVINCE_TASKS:
        numbers[dimension] = numbers.get(dimension, 0) + 1
        dimension_criterion = codes.get(dimension)
        criterion = find_criterion(codes, code)
        payloads.append(
            {
                "group_code": dimension,
                "group_title": dimension_criterion.name_vi if dimension_criterion else "",
                "number": f"{dimension}.{numbers[dimension]}",
                "criterion_label": criterion.name_vi if criterion else "",
                "text": text,
                "target_text": target,
                "output": output,
                "lead_text": lead,
                "partners_text": ", ".join(partners),
                "timeframe_text": timeframe.format(year=year),
                "criteria": [criterion.pk] if criterion else [],
                "leads": [party(lead)],
                "partners": [party(name) for name in partners],
            }
        )
    return payloads


@transaction.atomic
def build_demo_province_plan(actor=None, today: dt.date | None = None) -> Plan:
    """Idempotent: Tuyên Quang's PAPI plan of the current year, issued, cascaded to Sở Nội vụ and
    the four demo communes (each gets a pre-filled draft to complete); Xã Vị Xuyên and Phường Hà
    Giang 1 concretise theirs and issue them (`chiso.plans.demo_lower`)."""
    today = today or timezone.localdate()
    year = today.year
    province = Unit.objects.get(ref=PROVINCE_REF)
    plan = province_plan(province, year)
    if plan is None:
        create_bodies(province, "province_2025", actor=actor)
        issued_on = province_plan_issue_date(today)
        version = current_papi_version(year)
        plan = services.create_plan(
            actor,
            province,
            {
                "number_symbol": f"/{PROVINCE_PLAN_SYMBOL}",
                "place": "Tuyên Quang",
                "title": "Kế hoạch cải thiện, nâng cao Chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh "
                f"(PAPI) năm {year}",
                "year_from": year,
                "year_to": year,
                "frameworks": [version.pk] if version else [],
                "preamble": (
                    "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;\n"
                    f"Căn cứ kết quả Chỉ số PAPI năm {year - 1} của tỉnh, để khắc phục các chỉ số nội dung còn "
                    "thấp sau khi vận hành chính quyền địa phương hai cấp, UBND tỉnh ban hành Kế hoạch cải "
                    f"thiện, nâng cao Chỉ số PAPI năm {year} như sau:"
                ),
                "recipients": "- Bộ Nội vụ;\n- TT Tỉnh ủy, HĐND tỉnh;\n- Các sở, ban, ngành;\n"
                "- UBND các xã, phường;\n- Lưu: VT, NC.",
                "signer_authority": "TM. ỦY BAN NHÂN DÂN",
                "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                "signer_name": "",
                "appendix_title": f"NHIỆM VỤ CẢI THIỆN, NÂNG CAO CHỈ SỐ PAPI NĂM {year}",
                "sections": [
                    {"depth": 1, "key": "purpose", "heading": "I. MỤC ĐÍCH, YÊU CẦU", "body": ""},
                    {
                        "depth": 2,
                        "key": "purpose",
                        "heading": "1. Mục đích",
                        "body": "Nâng cao hiệu quả quản trị của chính quyền địa phương hai cấp; cải thiện "
                        "các chỉ số nội dung PAPI còn thấp, nhất là công khai, minh bạch và thủ tục hành "
                        "chính công ở cấp xã.",
                    },
                    {
                        "depth": 2,
                        "key": "purpose",
                        "heading": "2. Yêu cầu",
                        "body": "Các sở, ngành và UBND các xã, phường xây dựng kế hoạch thực hiện, gắn "
                        "nhiệm vụ với trách nhiệm người đứng đầu; báo cáo kết quả đúng hạn.",
                    },
                    {
                        "depth": 1,
                        "key": "organisation",
                        "heading": "II. TỔ CHỨC THỰC HIỆN",
                        "body": "Sở Nội vụ là cơ quan thường trực, theo dõi, tổng hợp kết quả thực hiện, "
                        "báo cáo UBND tỉnh.",
                    },
                ],
            },
        )
        for payload in _province_task_payloads(province, year, version, actor):
            services.add_task(actor, plan, payload)
        plan.refresh_from_db()
        plan = services.issue_plan(
            actor,
            plan,
            version=plan.version,
            issued_on=issued_on,
            number_symbol=f"{PROVINCE_PLAN_NUMBER}/{PROVINCE_PLAN_SYMBOL}",
        )
        plan = services.set_lower_plan_deadline(
            actor, plan, version=plan.version, working_days=LOWER_PLAN_WORKING_DAYS
        )
    if not plan.lower_plans.exists():
        wanted = {
            u.name: u.pk
            for u in Unit.objects.filter(Q(parent=province), name__in=PROVINCE_CASCADE).valid_on(
                plan.issued_on
            )
        }
        cascade_plan(actor, plan, [wanted[name] for name in PROVINCE_CASCADE if name in wanted])
    issue_demo_lower_plans(actor, plan, today)
    return plan

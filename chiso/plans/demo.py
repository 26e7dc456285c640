"""Demo plans: the Vị Xuyên 2021 PAPI plan (154/KH-UBND), issued and cascaded to some of its units.

The plan is built from `data/demo/vi_xuyen_2021_plan.json`, a transcription of every appendix row
of the real plan, through the same service functions users go through (validated, audited).
Running it twice changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from chiso.core import audit
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion
from chiso.plans import services
from chiso.plans.cascade import cascade_plan
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

"""Helpers shared by the plans tests: a small index framework and ready-made plans.

(A module named test_* so it sits with the plans tests; it holds no tests itself.)
"""

import datetime as dt

from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion
from chiso.plans import services
from chiso.plans.models import Plan
from chiso.units.models import Unit, UnitKind


def make_framework(code: str = "TESTIDX", dimensions: int = 3, subdimensions: int = 2) -> FrameworkVersion:
    """An index with `dimensions` dimensions "1".."n", each with sub-dimensions "1.1", "1.2"…"""
    framework = Framework.objects.create(
        code=code, kind=Framework.Kind.CUSTOM, name_vi=f"Chỉ số {code}", short_name=code
    )
    version = FrameworkVersion.objects.create(
        framework=framework, code=f"{code}-2020", name=f"{code} 2020–2030", year_from=2020, year_to=2030
    )
    position = 0
    for d in range(1, dimensions + 1):
        position += 1
        dim = Criterion.objects.create(
            version=version,
            level=CriterionLevel.DIMENSION,
            code=str(d),
            name_vi=f"Chỉ số nội dung {d}",
            position=position,
        )
        for s in range(1, subdimensions + 1):
            position += 1
            Criterion.objects.create(
                version=version,
                parent=dim,
                level=CriterionLevel.SUBDIMENSION,
                code=f"{d}.{s}",
                name_vi=f"Nội dung thành phần {d}.{s}",
                position=position,
            )
    return version


def criterion(version: FrameworkVersion, code: str) -> Criterion:
    return Criterion.objects.get(version=version, code=code)


def body(parent: Unit, name: str, kind: str = UnitKind.DEPARTMENT) -> Unit:
    unit = Unit(parent=parent, name=name, kind=kind, valid_from=parent.valid_from, valid_to=parent.valid_to)
    unit.save()
    return unit


def draft_plan(issuer: Unit, version: FrameworkVersion | None = None, actor=None, **fields) -> Plan:
    data = {"title": "Nâng cao Chỉ số PAPI năm 2026", "year_from": 2026, "place": "Tuyên Quang"}
    if version is not None:
        data["frameworks"] = [version.pk]
    data.update(fields)
    return services.create_plan(actor, issuer, data)


def task_data(
    version: FrameworkVersion | None, code: str | None, leads: list, partners: list = (), **fields
) -> dict:
    data = {
        "text": f"Nhiệm vụ cho {code}",
        "target_text": "Có ít nhất 95% hồ sơ giải quyết đúng hạn",
        "timeframe_text": "Thường xuyên",
        "criteria": [criterion(version, code).pk] if version is not None and code else [],
        "leads": [ref(x) for x in leads],
        "partners": [ref(x) for x in partners],
    }
    data.update(fields)
    return data


def ref(obj) -> str:
    return f"unit:{obj.pk}" if isinstance(obj, Unit) else f"group:{obj.pk}"


def d(text: str) -> dt.date:
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)

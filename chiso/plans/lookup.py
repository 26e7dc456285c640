"""Finding a plan as people cite it: "154/KH-UBND" of "UBND huyện Vị Xuyên" (or of a unit code).

Issuers are matched on their folded names and aliases with the authority prefix ("UBND",
"Ủy ban nhân dân") removed, so "UBND huyện Vị Xuyên" finds the unit "Huyện Vị Xuyên", even one
that no longer exists.
"""

from __future__ import annotations

import re

from django.db.models import QuerySet

from chiso.core.text import fold
from chiso.plans.models import Plan
from chiso.plans.validation import parse_number_symbol

_PREFIXES = re.compile(r"^(ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)\s+")


def issuer_key(text: str) -> str:
    """ "UBND huyện Vị Xuyên" → "huyen vi xuyen"."""
    return _PREFIXES.sub("", fold(text)).strip()


def issuer_matches(unit, text: str) -> bool:
    raw = text.strip()
    if raw and raw in (unit.code, unit.ref):
        return True
    key = issuer_key(raw)
    names = [unit.name, unit.short_name, *unit.aliases.split(";")]
    return any(key == issuer_key(name) for name in names if name.strip())


def find_plans(
    number_symbol: str, issuer: str, year: int | None = None, plans: QuerySet | None = None
) -> list[Plan]:
    """Plans with this number and symbol whose issuer is named (or coded) `issuer`."""
    number, symbol = parse_number_symbol(number_symbol)
    candidates = (plans if plans is not None else Plan.objects.all()).filter(
        number=number, symbol__iexact=symbol
    )
    if year is not None:
        candidates = candidates.filter(number_year=year)
    return [
        plan
        for plan in candidates.select_related("issuer").order_by("-number_year", "id")
        if issuer_matches(plan.issuer, issuer)
    ]


class PlanLookupError(Exception):
    """No plan, or more than one, answers the citation; the message says which, in Vietnamese."""


def find_one_plan(number_symbol: str, issuer: str, year: int | None = None) -> Plan:
    """The one plan cited as `number_symbol` of `issuer` (and `year`), or PlanLookupError."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from chiso.core.vndates import short_date

    try:
        plans = find_plans(number_symbol, issuer, year)
    except ValidationError as exc:
        raise PlanLookupError(exc.messages[0]) from exc
    if not plans:
        where = _(" năm %(year)s") % {"year": year} if year else ""
        raise PlanLookupError(
            _(
                "Không tìm thấy kế hoạch số %(number)s của “%(issuer)s”%(where)s. "
                "Kiểm tra lại số, ký hiệu và tên hoặc mã cơ quan ban hành."
            )
            % {"number": number_symbol, "issuer": issuer, "where": where}
        )
    if len(plans) > 1:
        listing = "; ".join(
            _("%(name)s (%(code)s), ngày %(date)s")
            % {
                "name": p.issuer.name,
                "code": p.issuer.code or p.issuer.ref or p.issuer.pk,
                "date": short_date(p.issued_on) or _("chưa ban hành"),
            }
            for p in plans
        )
        raise PlanLookupError(
            _(
                "Có %(count)d kế hoạch số %(number)s khớp với “%(issuer)s”: %(listing)s. "
                "Hãy ghi rõ mã cơ quan ban hành hoặc thêm --year."
            )
            % {"count": len(plans), "number": number_symbol, "issuer": issuer, "listing": listing}
        )
    return plans[0]

"""Loading the standard measures from `data/measures/measures.json`.

Re-runnable: measures are keyed on `code`. A second run creates nothing and changes nothing; a
run after the file changed updates only the changed fields, each change audited (`save_audited`
writes no entry for an unchanged save). Nothing is deleted, and measures an administrator added
are left alone. The file is read and checked completely before anything is written, and the
writes are one transaction, so a malformed file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.audit import save_audited
from chiso.core.text import nfc
from chiso.measures.models import Measure

AUDIT_NOTE = "load_measures"
REQUIRED = ("code", "name", "unit_label", "keywords", "source")


class MeasureDataError(ValueError):
    """The reference file is malformed (the message names the file and the measure)."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return _("Số liệu đo lường: %(c)d tạo mới, %(u)d cập nhật, %(n)d không đổi.") % {
            "c": len(self.created),
            "u": len(self.updated),
            "n": self.unchanged,
        }


def default_path() -> Path:
    return Path(settings.DATA_DIR) / "measures" / "measures.json"


def _decimal(value, path: Path, code: str, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise MeasureDataError(
            _("%(f)s: số liệu “%(c)s”: %(n)s “%(v)s” không phải là số.")
            % {"f": path, "c": code, "n": name, "v": value}
        ) from None


def read_measures(path: Path | None = None) -> list[dict]:
    """The measures of the file, checked: every field present, codes unique, min ≤ max."""
    path = path or default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MeasureDataError(
            _("Không đọc được tệp %(f)s: %(e)s.") % {"f": path, "e": exc.strerror}
        ) from exc
    except json.JSONDecodeError as exc:
        raise MeasureDataError(
            _("%(f)s, dòng %(l)d: không phải JSON hợp lệ (%(e)s).")
            % {"f": path, "l": exc.lineno, "e": exc.msg}
        ) from exc
    items = data.get("measures") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise MeasureDataError(_("%(f)s: thiếu danh sách “measures”.") % {"f": path})
    seen: set[str] = set()
    result = []
    for number, item in enumerate(items, start=1):
        code = str(item.get("code") or f"#{number}") if isinstance(item, dict) else f"#{number}"
        missing = [k for k in REQUIRED if not isinstance(item, dict) or item.get(k) in (None, "", [])]
        if missing:
            raise MeasureDataError(
                _("%(f)s: số liệu “%(c)s” thiếu %(m)s.") % {"f": path, "c": code, "m": ", ".join(missing)}
            )
        if code in seen:
            raise MeasureDataError(_("%(f)s: mã “%(c)s” lặp lại.") % {"f": path, "c": code})
        seen.add(code)
        low = _decimal(item.get("min_value"), path, code, "min_value")
        high = _decimal(item.get("max_value"), path, code, "max_value")
        if low is not None and high is not None and high < low:
            raise MeasureDataError(
                _("%(f)s: số liệu “%(c)s”: max_value nhỏ hơn min_value.") % {"f": path, "c": code}
            )
        result.append(
            {
                "code": code,
                "name": nfc(item["name"]),
                "unit_label": nfc(item["unit_label"]),
                "description": nfc(item.get("description", "")),
                "keywords": "\n".join(nfc(k) for k in item["keywords"] if nfc(k)),
                "min_value": low,
                "max_value": high,
            }
        )
    return result


def _same(current, wanted) -> bool:
    if current is None or wanted is None:
        return current is wanted
    if isinstance(wanted, Decimal):
        return Decimal(current) == wanted
    return current == wanted


def load_measures(actor, path: Path | None = None) -> LoadReport:
    """Create or refresh the national standard measures (see the module's rules)."""
    items = read_measures(path)
    report = LoadReport()
    existing = {m.code: m for m in Measure.objects.filter(code__in=[i["code"] for i in items])}
    with transaction.atomic():
        for item in items:
            measure = existing.get(item["code"])
            if measure is None:
                measure = Measure(**item)
                save_audited(measure, actor, note=AUDIT_NOTE)
                report.created.append(item["code"])
                continue
            changed = False
            for name, value in item.items():
                if not _same(getattr(measure, name), value):
                    setattr(measure, name, value)
                    changed = True
            if changed:
                save_audited(measure, actor, note=AUDIT_NOTE)
                report.updated.append(item["code"])
            else:
                report.unchanged += 1
    return report

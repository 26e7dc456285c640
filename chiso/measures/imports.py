"""Importing observations: rows of a .csv/.xlsx file, or items posted to the API.

Rules:

- every row goes through `ObservationRowForm` (unit, measure, period, value and range checks);
- a row repeating the unit, measure and period of an earlier row is refused as a duplicate;
- a row whose unit, measure and period already have an observation: the same value is left as
  it is ("không đổi"); a different value is refused, unless `replace` is set, when it replaces
  the old one (the change audited with both values);
- all or nothing: when any row is refused, nothing is saved and every refused row is reported
  with its number and its reasons in Vietnamese; otherwise every row is saved in one transaction,
  each creation and change audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.audit import record_bulk_create, save_audited
from chiso.core.numbers import decimal_text
from chiso.core.vndates import short_date
from chiso.measures.forms import ObservationRowForm, Resolver
from chiso.measures.models import Observation
from chiso.measures.tables import read_table

AUDIT_NOTE = "import_measures"


@dataclass
class RowError:
    number: int
    reasons: list[str]

    def message(self, word: str | None = None) -> str:
        return _("%(w)s %(n)d: %(r)s") % {
            "w": word or _("Dòng"),
            "n": self.number,
            "r": " ".join(_cap(r) for r in self.reasons),
        }


def _cap(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


@dataclass
class ImportResult:
    created: list[Observation] = field(default_factory=list)
    updated: list[Observation] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return _("Không lưu dòng nào: %(e)d/%(n)d dòng bị từ chối.") % {
                "e": len(self.errors),
                "n": self.rows,
            }
        return _("Đã nhập %(n)d dòng: %(c)d thêm mới, %(u)d thay thế, %(s)d không đổi.") % {
            "n": self.rows,
            "c": len(self.created),
            "u": len(self.updated),
            "s": self.unchanged,
        }


def import_observations(
    rows: Iterable[tuple[int, Mapping]], user, actor, replace: bool = False
) -> ImportResult:
    """Validate every (row number, values) and save them all, or nothing (see the module's rules).

    `user`: whose scope the units are checked against (None for a command: no scope check);
    `actor`: who the audit log names.
    """
    resolver = Resolver(user)
    result = ImportResult()
    valid: list[tuple[int, dict]] = []
    seen: dict[tuple, int] = {}
    for number, values in rows:
        result.rows += 1
        form = ObservationRowForm(values, resolver=resolver)
        if not form.is_valid():
            result.errors.append(RowError(number, form.reasons()))
            continue
        data = form.cleaned_data
        key = (data["unit_obj"].pk, data["measure"].pk, data["start"], data["end"])
        if key in seen:
            result.errors.append(
                RowError(
                    number,
                    [_("trùng với dòng %(n)d (cùng đơn vị, số liệu và kỳ).") % {"n": seen[key]}],
                )
            )
            continue
        seen[key] = number
        valid.append((number, data))
    existing = _existing(seen)
    pending_updates: list[tuple[Observation, dict]] = []
    pending_creates: list[dict] = []
    for number, data in valid:
        key = (data["unit_obj"].pk, data["measure"].pk, data["start"], data["end"])
        old = existing.get(key)
        if old is None:
            pending_creates.append(data)
        elif old.value == data["value"]:
            result.unchanged += 1
        elif replace:
            pending_updates.append((old, data))
        else:
            result.errors.append(
                RowError(
                    number,
                    [
                        _(
                            "đã có giá trị %(old)s của %(u)s cho số liệu “%(m)s” kỳ %(s)s–%(e)s (khác %(new)s); "
                            "chọn “Thay thế số liệu đã có” (--replace) nếu muốn ghi đè."
                        )
                        % {
                            "old": decimal_text(old.value),
                            "new": decimal_text(data["value"]),
                            "u": data["unit_obj"].name,
                            "m": data["measure"].name,
                            "s": short_date(data["start"]),
                            "e": short_date(data["end"]),
                        }
                    ],
                )
            )
    if result.errors:
        result.errors.sort(key=lambda e: e.number)
        return result
    creator = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        objects = [
            Observation(
                measure=d["measure"],
                unit=d["unit_obj"],
                period_start=d["start"],
                period_end=d["end"],
                value=d["value"],
                source=d.get("source", ""),
                note=d.get("note", ""),
                created_by=creator,
            )
            for d in pending_creates
        ]
        Observation.objects.bulk_create(objects, batch_size=1000)
        record_bulk_create(actor, objects, note=AUDIT_NOTE)
        for old, data in pending_updates:
            old.value = data["value"]
            old.source = data.get("source") or old.source
            old.note = data.get("note") or old.note
            save_audited(old, actor, note=AUDIT_NOTE)
    result.created = objects
    result.updated = [o for o, _d in pending_updates]
    return result


def _existing(keys: Mapping[tuple, int]) -> dict[tuple, Observation]:
    if not keys:
        return {}
    unit_ids = {k[0] for k in keys}
    measure_ids = {k[1] for k in keys}
    found = Observation.objects.filter(unit_id__in=unit_ids, measure_id__in=measure_ids).select_related(
        "measure", "unit"
    )
    return {key: o for o in found if (key := (o.unit_id, o.measure_id, o.period_start, o.period_end)) in keys}


def import_file(name: str, data: bytes, user, actor, replace: bool = False) -> ImportResult:
    """Import an uploaded .csv/.xlsx (raises `TableError` when the file cannot be read as a table)."""
    table = read_table(name, data)
    return import_observations(table.rows, user, actor, replace=replace)

"""The audit trail: every save and delete of a domain object goes through these functions.

No signals: the code that changes an object calls `save_audited` / `delete_audited` itself, in
the same transaction, so a change and its audit entry are saved together or not at all.
"""

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from chiso.core.models import AuditEntry

EXCLUDED_FIELDS = {"created_at", "updated_at", "search_key", "password", "last_login"}


def _plain(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The audited field values of `obj` (foreign keys as ids), JSON-ready."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in EXCLUDED_FIELDS or field.primary_key:
            continue
        values[field.name] = _plain(getattr(obj, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    keys = before.keys() | after.keys()
    return {
        key: [before.get(key), after.get(key)] for key in sorted(keys) if before.get(key) != after.get(key)
    }


def record(actor, obj: models.Model, action: str, changes: dict | None = None, note: str = "") -> AuditEntry:
    """Write one audit entry for `obj`."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
        note=note[:300],
    )


def save_audited(obj: models.Model, actor, note: str = "") -> AuditEntry | None:
    """Validate-free save of `obj` with its audit entry, in one transaction.

    Returns the entry, or None when nothing changed (an unchanged save writes no entry).
    """
    with transaction.atomic():
        if obj.pk is not None and type(obj)._base_manager.filter(pk=obj.pk).exists():
            before = snapshot(type(obj)._base_manager.get(pk=obj.pk))
            obj.save()
            changes = diff(before, snapshot(obj))
            if not changes:
                return None
            return record(actor, obj, AuditEntry.Action.UPDATE, changes, note)
        obj.save()
        return record(actor, obj, AuditEntry.Action.CREATE, diff({}, snapshot(obj)), note)


def update_audited(obj: models.Model, wanted: Mapping[str, Any], actor, note: str = "") -> bool:
    """Set the wanted field values on a stored `obj` and save it audited when one differs;
    whether it did (an object already as wanted is not saved)."""
    changed = False
    for name, value in wanted.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        save_audited(obj, actor, note)
    return changed


def delete_audited(obj: models.Model, actor, note: str = "") -> None:
    with transaction.atomic():
        changes = diff(snapshot(obj), {})
        record(actor, obj, AuditEntry.Action.DELETE, changes, note)
        obj.delete()


def record_bulk_create(actor, objects: Iterable[models.Model], note: str = "") -> int:
    """Audit entries for objects just made by `bulk_create` (reference-data loads), in one query."""
    entries = []
    content_types: dict[type, ContentType] = {}
    for obj in objects:
        model = type(obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        entries.append(
            AuditEntry(
                actor=actor if actor is not None and actor.is_authenticated else None,
                action=AuditEntry.Action.CREATE,
                content_type=content_types[model],
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes=diff({}, snapshot(obj)),
                note=note[:300],
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def history(obj: models.Model):
    """The audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")

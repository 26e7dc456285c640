"""Which units a user acts for: the subtrees of their memberships and the history those absorbed.

The coordinator of a province formed in 2025 sees the old provinces (and their districts and
communes) that went into it. One recursive query walks both kinds of edge at once: parent → child
and successor → predecessor.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from chiso.core.actors import is_system
from chiso.units.models import Membership, Role, Unit, UnitSuccession

VIEW = "view"
EDIT = "edit"  # write the unit's own plans and reports
COORDINATE = "coordinate"  # assign, chase, consolidate, manage frameworks for the subtree
ADMINISTER = "administer"  # units and memberships of the subtree

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({VIEW, EDIT, COORDINATE, ADMINISTER}),
    Role.COORDINATOR: frozenset({VIEW, EDIT, COORDINATE}),
    Role.OFFICER: frozenset({VIEW, EDIT}),
    Role.LEADER: frozenset({VIEW}),
    Role.VIEWER: frozenset({VIEW}),
}


@dataclass(frozen=True)
class Scope:
    everything: bool
    ids: frozenset[int]

    def __contains__(self, unit_id: object) -> bool:
        return self.everything or unit_id in self.ids


NOTHING = Scope(False, frozenset())
EVERYTHING = Scope(True, frozenset())


def expand(root_ids: list[int]) -> frozenset[int]:
    """The roots, everything below them, and every predecessor (and its subtree), transitively."""
    if not root_ids:
        return frozenset()
    unit = Unit._meta.db_table
    edge = UnitSuccession._meta.db_table
    placeholders = ", ".join(["%s"] * len(root_ids))
    sql = f"""
        WITH RECURSIVE edges(src, dst) AS (
            SELECT parent_id, id FROM {unit} WHERE parent_id IS NOT NULL
            UNION ALL
            SELECT successor_id, predecessor_id FROM {edge}
        ), reach(id) AS (
            SELECT id FROM {unit} WHERE id IN ({placeholders})
            UNION
            SELECT edges.dst FROM edges JOIN reach ON edges.src = reach.id
        )
        SELECT id FROM reach
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, root_ids)
        return frozenset(row[0] for row in cursor.fetchall())


def acts(user) -> bool:
    """Whether `user` may act at all: a signed-in active user, or the system actor."""
    if is_system(user):
        return True
    return bool(user is not None and user.is_authenticated and user.is_active)


def unit_scope(user, action: str = VIEW) -> Scope:
    """The scope of `user` for `action`, computed once per user object (one request).

    The system actor (commands, reference loads, demo data) acts on every unit."""
    if is_system(user):
        return EVERYTHING
    if not acts(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cache = user.__dict__.setdefault("_chiso_scopes", {})
    if action not in cache:
        roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
        roots = list(Membership.objects.filter(user=user, role__in=roles).values_list("unit_id", flat=True))
        cache[action] = Scope(False, expand(roots))
    return cache[action]


def can(user, action: str, unit: Unit | int | None) -> bool:
    if unit is None:
        return bool(user and user.is_superuser)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return unit_id in unit_scope(user, action)


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def within_scope(queryset, user, action: str, *unit_fields: str):
    """`queryset` limited to rows whose unit (any of `unit_fields`, e.g. "owner_id",
    "plan__issuer_id") is in the user's scope for `action`; the one rule every model's
    `restrict()` applies."""
    scope = unit_scope(user, action)
    if scope.everything:
        return queryset
    condition = Q()
    for field in unit_fields:
        condition |= Q(**{f"{field}__in": scope.ids})
    return queryset.filter(condition)

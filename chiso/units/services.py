"""Changes to memberships, audited in one transaction."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from chiso.core.audit import delete_audited, save_audited
from chiso.units.models import Membership, Unit
from chiso.units.scope import ADMINISTER, can


@transaction.atomic
def add_membership(actor, unit: Unit, data: dict) -> Membership:
    """Give a person (existing, or created here) a role in `unit`."""
    if not can(actor, ADMINISTER, unit):
        raise PermissionDenied
    user = data.get("user")
    if user is None:
        user = get_user_model()(
            username=data["username"].strip(), first_name=data["full_name"], email=data.get("email", "")
        )
        user.set_password(data["password"])
        save_audited(user, actor)
    membership = Membership(user=user, unit=unit, role=data["role"], title=data.get("title", ""))
    save_audited(membership, actor)
    return membership


@transaction.atomic
def remove_membership(actor, membership: Membership) -> None:
    if not can(actor, ADMINISTER, membership.unit_id):
        raise PermissionDenied
    delete_audited(membership, actor)

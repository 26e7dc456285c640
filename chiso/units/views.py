"""Unit pages: browse the tree, accent-insensitive search, one unit with its history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.core.audit import history
from chiso.core.htmx import render_page
from chiso.core.models import AuditEntry
from chiso.units.forms import MembershipForm
from chiso.units.models import Membership, Role, Unit, UnitChange, UnitKind, UnitSuccession
from chiso.units.scope import ADMINISTER, can, unit_scope
from chiso.units.services import add_membership, remove_membership

PAGE_SIZE = 50


@login_required
def unit_list(request):
    """Roots of the user's scope, or search results when a query is given."""
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    include_ended = request.GET.get("ended") == "1"
    units = Unit.objects.restrict(request.user).select_related("parent")
    if not include_ended:
        units = units.current()
    if kind:
        units = units.filter(kind=kind)
    if query:
        units = units.search(query)
    elif not kind:
        units = units.filter(pk__in=_top_ids(request.user, include_ended))
    page = Paginator(units.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "kind": kind,
        "include_ended": include_ended,
        "kinds": UnitKind.choices,
    }
    return render_page(request, "units/unit_list.html", context, partial="results")


def _top_ids(user, include_ended: bool) -> list[int]:
    """Without a query: the user's own units (or, for superusers, the provinces)."""
    if user.is_superuser:
        top = Unit.objects.filter(parent__isnull=True)
        return list(top.values_list("pk", flat=True))
    return list(Membership.objects.filter(user=user).values_list("unit_id", flat=True))


@login_required
def unit_detail(request, pk: int):
    unit = get_object_or_404(Unit.objects.restrict(request.user).select_related("parent"), pk=pk)
    scope = unit_scope(request.user)
    children = (
        Unit.objects.filter(parent=unit)
        .annotate(child_count=Count("children"))
        .order_by("valid_to", "kind", "name")
    )
    show_ended = request.GET.get("ended") == "1"
    if not show_ended:
        children = children.current()
    predecessors = UnitSuccession.objects.filter(successor=unit).select_related("predecessor", "change")
    successors = UnitSuccession.objects.filter(predecessor=unit).select_related("successor", "change")
    ancestors = [a for a in unit.ancestors() if a.pk in scope]
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": children,
        "show_ended": show_ended,
        "predecessors": predecessors,
        "successors": successors,
        "changes": unit_changes(unit),
        "memberships": Membership.objects.filter(unit=unit).select_related("user")
        if can(request.user, ADMINISTER, unit)
        else None,
        "audit": history(unit)[:20] if can(request.user, ADMINISTER, unit) else None,
        "scope": scope,
    }
    return render(request, "units/unit_detail.html", context)


def unit_changes(unit: Unit):
    """Changes of this one unit (type, name) that have no predecessor/successor edge."""
    return UnitChange.objects.filter(subject=unit)


@login_required
def unit_members(request, pk: int):
    """Unit admins add people to their unit in a role, or remove them."""
    unit = get_object_or_404(Unit.objects.restrict(request.user, ADMINISTER), pk=pk)
    form = MembershipForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        membership = add_membership(request.user, unit, form.cleaned_data)
        messages.success(
            request,
            _("Đã thêm %(user)s với vai trò %(role)s.")
            % {"user": membership.user.username, "role": membership.get_role_display()},
        )
        return redirect("unit-members", pk=unit.pk)
    members = Membership.objects.filter(unit=unit).select_related("user").order_by("user__username")
    return render(request, "units/unit_members.html", {"unit": unit, "form": form, "members": members})


@login_required
@require_POST
def unit_member_remove(request, pk: int, membership_pk: int):
    unit = get_object_or_404(Unit.objects.restrict(request.user, ADMINISTER), pk=pk)
    membership = Membership.objects.filter(unit=unit, pk=membership_pk).select_related("user").first()
    if membership is None:
        raise Http404
    remove_membership(request.user, membership)
    messages.success(request, _("Đã gỡ %(user)s khỏi đơn vị.") % {"user": membership.user.username})
    return redirect("unit-members", pk=unit.pk)


@login_required
def audit_log(request):
    """Every recorded change, for superusers and unit admins (limited to their units' objects)."""
    entries = AuditEntry.objects.select_related("actor", "content_type")
    if not request.user.is_superuser:
        if not Membership.objects.filter(user=request.user, role=Role.ADMIN).exists():
            raise PermissionDenied
        unit_type = ContentType.objects.get_for_model(Unit)
        ids = [
            str(pk) for pk in Unit.objects.restrict(request.user, "administer").values_list("pk", flat=True)
        ]
        entries = entries.filter(content_type=unit_type, object_id__in=ids)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})

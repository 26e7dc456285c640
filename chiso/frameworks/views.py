"""Framework pages: list, framework, version with its criteria tree, search, and the edit forms.

Thin views: objects come from `restrict(user)` querysets (outside the scope is 404), the rules and
the audited saves live in `chiso.frameworks.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.core.htmx import render_page
from chiso.frameworks import services
from chiso.frameworks.catalog import tree_order
from chiso.frameworks.forms import CriterionForm, FrameworkForm, PointsForm, VariantForm, VersionForm
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion

SEARCH_LIMIT = 50


def _visible_versions(user):
    return FrameworkVersion.objects.restrict(user).select_related("framework", "owner", "based_on")


@login_required
def framework_list(request):
    """National frameworks and the user's custom ones, with their versions; criterion search."""
    frameworks = Framework.objects.restrict(request.user).select_related("owner").order_by("owner_id", "code")
    versions = _visible_versions(request.user).annotate(criteria_count=Count("criteria"))
    by_framework: dict[int, list] = {}
    for version in versions.order_by("year_from", "code"):
        by_framework.setdefault(version.framework_id, []).append(version)
    rows = [{"framework": f, "versions": by_framework.get(f.pk, [])} for f in frameworks]
    context = {
        "national": [r for r in rows if r["framework"].owner_id is None],
        "custom": [r for r in rows if r["framework"].owner_id is not None],
        "can_create": services.coordinated_units(request.user).exists(),
        **_search_context(request),
    }
    return render_page(request, "frameworks/framework_list.html", context, partial="results")


def _search_context(request) -> dict:
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        results = list(
            Criterion.objects.restrict(request.user)
            .search(query)
            .select_related("version", "version__framework", "parent")
            .order_by("version__framework__code", "version__year_from", "version_id", "position", "code")[
                :SEARCH_LIMIT
            ]
        )
    return {"query": query, "results": results, "limit": SEARCH_LIMIT}


@login_required
def criterion_search(request):
    """Accent-insensitive search over every criterion the user can see (htmx fragment)."""
    return render_page(request, "frameworks/framework_list.html", _search_context(request), partial="results")


@login_required
def framework_detail(request, pk: int):
    framework = get_object_or_404(Framework.objects.restrict(request.user).select_related("owner"), pk=pk)
    versions = (
        _visible_versions(request.user)
        .filter(framework=framework)
        .annotate(criteria_count=Count("criteria"))
        .order_by("owner_id", "year_from", "code")
    )
    context = {
        "framework": framework,
        "versions": [v for v in versions if v.owner_id is None],
        "variants": [v for v in versions if v.owner_id is not None],
        "can_edit": services.can_edit_framework(request.user, framework),
    }
    return render(request, "frameworks/framework_detail.html", context)


@login_required
def framework_create(request):
    form = FrameworkForm(request.POST or None, user=request.user)
    if not form["owner"].field.queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        framework = _apply(form, lambda obj: services.create_framework(request.user, obj))
        if framework is not None:
            messages.success(request, _("Đã tạo bộ chỉ số %(name)s.") % {"name": framework.short_name})
            return redirect("framework-detail", framework.pk)
    return render(request, "frameworks/form.html", {"form": form, "title": _("Tạo bộ chỉ số tự xây dựng")})


@login_required
def framework_edit(request, pk: int):
    framework = get_object_or_404(Framework.objects.restrict(request.user), pk=pk)
    if framework.owner_id is None or not services.can_edit_framework(request.user, framework):
        raise PermissionDenied
    form = FrameworkForm(request.POST or None, instance=framework, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda obj: services.update_framework(request.user, obj)) is not None
    ):
        messages.success(request, _("Đã lưu bộ chỉ số."))
        return redirect("framework-detail", framework.pk)
    context = {"form": form, "title": _("Sửa bộ chỉ số %(name)s") % {"name": framework.short_name}}
    return render(request, "frameworks/form.html", {**context, "back": framework})


@login_required
def version_create(request, pk: int):
    framework = get_object_or_404(Framework.objects.restrict(request.user), pk=pk)
    if framework.owner_id is None or not services.can_edit_framework(request.user, framework):
        raise PermissionDenied
    form = VersionForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        version = _apply(form, lambda obj: services.create_version(request.user, obj))
        if version is not None:
            messages.success(request, _("Đã tạo phiên bản %(name)s.") % {"name": version.name})
            return redirect("version-detail", version.pk)
    context = {"form": form, "title": _("Thêm phiên bản cho %(name)s") % {"name": framework.short_name}}
    return render(request, "frameworks/form.html", {**context, "back": framework})


@login_required
def version_detail(request, pk: int):
    """A version and its criteria tree; the search box filters the tree (htmx fragment)."""
    version = get_object_or_404(_visible_versions(request.user), pk=pk)
    query = request.GET.get("q", "").strip()
    criteria = list(Criterion.objects.filter(version=version).select_related("based_on"))
    ordered = tree_order(criteria)
    if query:
        matched = set(Criterion.objects.filter(version=version).search(query).values_list("pk", flat=True))
        ordered = [c for c in ordered if c.pk in matched]
    can_structure = services.can_edit_structure(request.user, version)
    context = {
        "version": version,
        "framework": version.framework,
        "criteria": ordered,
        "query": query,
        "dimension_count": sum(1 for c in criteria if c.level == CriterionLevel.DIMENSION),
        "total_count": len(criteria),
        "can_edit": services.can_edit_version(request.user, version),
        "can_structure": can_structure,
        "can_variant": services.coordinated_units(request.user).exists(),
        "variants": _visible_versions(request.user).filter(based_on=version),
    }
    return render_page(request, "frameworks/version_detail.html", context, partial="tree")


@login_required
def version_edit(request, pk: int):
    version = get_object_or_404(_visible_versions(request.user), pk=pk)
    if not services.can_edit_version(request.user, version):
        raise PermissionDenied
    form = VersionForm(request.POST or None, instance=version, framework=version.framework)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda obj: services.update_version(request.user, obj)) is not None
    ):
        messages.success(request, _("Đã lưu phiên bản."))
        return redirect("version-detail", version.pk)
    context = {"form": form, "title": _("Sửa phiên bản %(name)s") % {"name": version.name}}
    return render(request, "frameworks/form.html", {**context, "back": version})


@login_required
def version_variant(request, pk: int):
    """Create a local variant: the tree copied with links to the original, owned by the user's unit."""
    base = get_object_or_404(_visible_versions(request.user), pk=pk)
    form = VariantForm(request.POST or None, user=request.user, base=base)
    if not form.fields["owner"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            variant = services.create_variant(
                request.user, base, form.cleaned_data["owner"], form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã tạo biến thể %(name)s; thêm, sửa hoặc bỏ tiêu chí cho phù hợp với địa phương.")
                % {"name": variant.name},
            )
            return redirect("version-detail", variant.pk)
    title = _("Tạo biến thể địa phương của %(name)s") % {"name": base.name}
    return render(request, "frameworks/form.html", {"form": form, "title": title, "back": base})


@login_required
@require_POST
def version_renumber(request, pk: int):
    version = get_object_or_404(_visible_versions(request.user), pk=pk)
    if not services.can_edit_structure(request.user, version):
        raise PermissionDenied
    changed = services.renumber(request.user, version)
    messages.success(request, _("Đã đánh số lại %(n)d tiêu chí.") % {"n": changed})
    return redirect("version-detail", version.pk)


@login_required
def criterion_create(request, pk: int):
    version = get_object_or_404(_visible_versions(request.user), pk=pk)
    if not services.can_edit_structure(request.user, version):
        raise PermissionDenied
    initial: dict = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        parent = Criterion.objects.filter(version=version, pk=int(parent_id)).first()
        if parent is not None:
            child_level = {
                CriterionLevel.DIMENSION: CriterionLevel.SUBDIMENSION,
                CriterionLevel.SUBDIMENSION: CriterionLevel.INDICATOR,
            }.get(parent.level, CriterionLevel.INDICATOR)
            initial = {"parent": parent.pk, "level": child_level}
    else:
        initial = {"level": CriterionLevel.DIMENSION}
    siblings = Criterion.objects.filter(version=version, parent_id=initial.get("parent"))
    initial["position"] = (siblings.aggregate(last=Max("position"))["last"] or 0) + 10  # append at the end
    form = CriterionForm(request.POST or None, version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        criterion = _apply(form, lambda obj: services.save_criterion(request.user, obj))
        if criterion is not None:
            messages.success(request, _("Đã thêm tiêu chí %(c)s.") % {"c": criterion})
            return redirect("version-detail", version.pk)
    title = _("Thêm tiêu chí vào %(name)s") % {"name": version.name}
    return render(request, "frameworks/form.html", {"form": form, "title": title, "back": version})


def _criterion(request, pk: int) -> Criterion:
    criteria = Criterion.objects.restrict(request.user).select_related("version", "version__framework")
    return get_object_or_404(criteria, pk=pk)


@login_required
def criterion_edit(request, pk: int):
    """Full edit on custom frameworks and variants; points only on national versions (superusers)."""
    criterion = _criterion(request, pk)
    version = criterion.version
    if services.can_edit_structure(request.user, version):
        form = CriterionForm(request.POST or None, instance=criterion, version=version)
        save = services.save_criterion
    elif services.can_edit_version(request.user, version):
        form = PointsForm(request.POST or None, instance=criterion)
        save = services.save_points
    else:
        raise PermissionDenied
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda obj: save(request.user, obj)) is not None
    ):
        messages.success(request, _("Đã lưu tiêu chí %(c)s.") % {"c": criterion})
        return redirect("version-detail", version.pk)
    title = _("Sửa tiêu chí %(c)s") % {"c": criterion}
    return render(request, "frameworks/form.html", {"form": form, "title": title, "back": version})


@login_required
def criterion_delete(request, pk: int):
    criterion = _criterion(request, pk)
    version = criterion.version
    if not services.can_edit_structure(request.user, version):
        raise PermissionDenied
    descendants = Criterion.objects.descendants(criterion).count()
    if request.method == "POST":
        removed = services.delete_criterion(request.user, criterion)
        messages.success(request, _("Đã xóa %(n)d tiêu chí.") % {"n": removed})
        return redirect("version-detail", version.pk)
    context = {"criterion": criterion, "version": version, "descendants": descendants}
    return render(request, "frameworks/criterion_delete.html", context)


def _apply(form, save):
    """Run an audited save on the form's object; a rule broken inside the transaction becomes a
    form error instead of a crash. Returns the saved object, or None."""
    try:
        return save(form.instance)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None

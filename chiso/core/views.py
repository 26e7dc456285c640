"""Pages every user meets: health, audit log, error pages (the home page is `chiso.home`)."""

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chiso.core.models import AuditEntry


@never_cache
@require_GET
def healthz(request):
    """200 "ok" when the database answers; 503 otherwise. No sign-in, no details."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
def audit_log(request):
    """Every recorded change, for superusers and unit admins (limited to their units' objects)."""
    from chiso.units.models import Membership, Role, Unit

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


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def _error(request, status: int, title: str, message: str):
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    return _error(
        request, 400, _("Yêu cầu không hợp lệ"), _("Yêu cầu gửi lên không hợp lệ. Vui lòng kiểm tra lại.")
    )


def permission_denied(request, exception=None):
    return _error(
        request, 403, _("Không có quyền truy cập"), _("Bạn không có quyền xem hoặc thực hiện thao tác này.")
    )


def page_not_found(request, exception=None):
    return _error(
        request, 404, _("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc bạn không có quyền xem.")
    )


def server_error(request):
    return _error(
        request,
        500,
        _("Lỗi hệ thống"),
        _("Đã xảy ra lỗi. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại sau."),
    )

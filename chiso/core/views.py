"""Pages every user meets: health, audit log, error pages (the home page is `chiso.home`)."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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

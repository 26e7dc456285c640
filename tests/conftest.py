"""Shared fixtures: the real reference data loaded once per test database, and a fixed cast of users.

Every test runs in a transaction that is rolled back, on top of the full official unit lists
(14,154 units) and the shipped index frameworks, so tests meet the data users meet.
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from chiso.units.models import Membership, Role, Unit

DEMO_PASSWORD = "chiso-demo"
ROOT = Path(__file__).resolve().parent.parent
# The real plans of ../shared/samples (CI has ../shared beside the clone); CHISO_SAMPLES overrides.
SAMPLES = Path(os.environ.get("CHISO_SAMPLES") or ROOT.parent / "shared" / "samples")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests run last (their live server flushes the database, see `live_world`), and skip
    with a reason where Chromium is missing, except in CI (CHISO_REQUIRE_BROWSER)."""
    items.sort(key=lambda item: "browser" in item.keywords)
    if os.environ.get("CHISO_REQUIRE_BROWSER"):
        return
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason="Debian's Chromium is not installed (apt-get install chromium)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Each test starts in Vietnamese: a request in English must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_sessionstart(session):
    if os.environ.get("CI") and not SAMPLES.is_dir():
        raise pytest.UsageError(
            f"CI needs the sample plans at {SAMPLES} (../shared/samples beside the clone)"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_reference_data()


def unit(ref: str) -> Unit:
    return Unit.objects.get(ref=ref)


def make_user(username: str, unit: Unit | None = None, role: str = Role.OFFICER, **extra):
    user = get_user_model().objects.create_user(username=username, password=DEMO_PASSWORD, **extra)
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def tuyen_quang(db) -> Unit:
    """The province formed on 1/7/2025 from Hà Giang and Tuyên Quang."""
    return unit("vn:province:08")


@pytest.fixture
def ha_giang_old(db) -> Unit:
    return unit("vn-pre2025:province:02")


@pytest.fixture
def vi_xuyen_old(db) -> Unit:
    return Unit.objects.get(ref__startswith="vn-pre2025:district:", name="Huyện Vị Xuyên")


@pytest.fixture
def commune(tuyen_quang) -> Unit:
    """A current commune of Tuyên Quang (Xã Vị Xuyên, formed from old communes of Vị Xuyên)."""
    return Unit.objects.get(parent=tuyen_quang, name="Xã Vị Xuyên")


@pytest.fixture
def other_commune(tuyen_quang, commune) -> Unit:
    return (
        Unit.objects.filter(parent=tuyen_quang, kind="commune")
        .exclude(pk=commune.pk)
        .order_by("code")
        .first()
    )


@pytest.fixture
def coordinator(tuyen_quang):
    """demo.tinh's role: coordinator at the province."""
    return make_user("tinh", tuyen_quang, Role.COORDINATOR, first_name="Điều phối tỉnh")


@pytest.fixture
def officer(commune):
    """demo.xa's role: officer at one commune."""
    return make_user("xa", commune, Role.OFFICER, first_name="Cán bộ xã")


@pytest.fixture
def outsider(db):
    """An officer of another province (Cao Bằng)."""
    return make_user("ngoai", unit("vn:province:04"), Role.OFFICER)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", DEMO_PASSWORD)


def _load_reference_data() -> None:
    from django.core.management import call_command, get_commands

    for name in ("load_units", "load_frameworks", "load_measures", "load_scores"):
        if name in get_commands():
            call_command(name, verbosity=0)


@pytest.fixture
def live_world(transactional_db):
    """Reference data for a test that needs committed rows (a live server in another thread).

    Such tests flush the database when they end, so the data is loaded again when missing.
    """
    if not Unit.objects.exists():
        _load_reference_data()


@pytest.fixture(scope="session")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    # Fragments load by htmx after a page (gap analysis, dashboards): let the live server answer
    # them before the test's database is flushed, or the flush meets a table still in use.
    for open_page in context.pages:
        with contextlib.suppress(Exception):  # a page already closed or still busy: close it anyway
            open_page.wait_for_load_state("networkidle", timeout=10000)
    context.close()


def sign_in(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")

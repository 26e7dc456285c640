"""The English catalogue is complete and consistent, and English is shown only to users who pick it.

Vietnamese is the source language of every user-facing string; English comes from
chiso/locale/en/LC_MESSAGES/django.po, compiled to django.mo (committed, so deployment needs no
gettext tools). The product ignores the browser's Accept-Language on purpose: English appears only
after the user picks it in the top bar (POST /i18n/setlang/, kept in a cookie).
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from chiso.units.models import Role
from tests.conftest import make_user

LOCALE = Path(settings.BASE_DIR) / "chiso" / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE / "django.po"
MO_FILE = LOCALE / "django.mo"

# Python-format (%(name)s, %s, %d, %%) and str.format ({name}) placeholders.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{[A-Za-z_0-9]*\}"
)
HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def read_po(path: Path) -> list[Entry]:
    """A small .po reader: entries with their context, ids, translations and flags."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path.name}:{number}: continuation line without a keyword"
            text = ast.literal_eval(line)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            plural_form = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if plural_form:
                target = ("msgstr", int(plural_form.group(1)))
                entry.msgstr[target[1]] = text
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = text
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                target = (keyword, 0)
                setattr(entry, keyword, text)
            else:
                raise AssertionError(f"{path.name}:{number}: unknown line {raw!r}")
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = [e for e in read_po(PO_FILE) if not e.obsolete]
    assert entries and entries[0].msgid == "", "the .po file must start with its header"
    return entries


def messages(catalogue: list[Entry]) -> list[Entry]:
    return catalogue[1:]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_header_declares_english_with_two_plural_forms(catalogue):
    header = catalogue[0]
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]


def test_reader_reads_the_whole_catalogue(catalogue):
    # A reader that silently skipped entries would make the other checks pass vacuously.
    raw = PO_FILE.read_text(encoding="utf-8")
    assert len(messages(catalogue)) == len(re.findall(r"^msgid ", raw, re.M)) - 1
    assert len(messages(catalogue)) > 1000


def test_every_entry_is_translated_and_checked(catalogue):
    untranslated = []
    fuzzy = []
    for e in messages(catalogue):
        forms = 2 if e.msgid_plural is not None else 1
        if sorted(e.msgstr) != list(range(forms)) or not all(s.strip() for s in e.msgstr.values()):
            untranslated.append(f"line {e.line}: {e.msgid!r}")
        if "fuzzy" in e.flags:
            fuzzy.append(f"line {e.line}: {e.msgid!r}")
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)


def test_placeholders_markup_and_edges_are_kept(catalogue):
    problems = []
    for e in messages(catalogue):
        sources = {0: e.msgid, 1: e.msgid_plural if e.msgid_plural is not None else e.msgid}
        for index, translation in e.msgstr.items():
            source = sources[min(index, 1)]
            if placeholders(source) != placeholders(translation):
                problems.append(
                    f"line {e.line}: placeholders {placeholders(source)} != {placeholders(translation)}"
                )
            if sorted(HTML_TAG.findall(source)) != sorted(HTML_TAG.findall(translation)):
                problems.append(f"line {e.line}: HTML tags differ in {e.msgid!r}")
            for edge in (str.startswith, str.endswith):
                if edge(source, "\n") != edge(translation, "\n"):
                    problems.append(f"line {e.line}: leading/trailing newline differs in {e.msgid!r}")
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_a_dropped_placeholder():
    assert placeholders("Đã giao kế hoạch cho %(n)d đơn vị.") != placeholders("Plan assigned.")
    assert placeholders("%(f)s: tệp “%(n)s” rỗng.") == placeholders("%(f)s: the file “%(n)s” is empty.")
    assert placeholders("{counter} tiêu chí") == placeholders("{counter} criteria")


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """django.mo is committed: it must hold exactly the translations of django.po."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in messages(catalogue):
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            if compiled.gettext(msgid) != e.msgstr[0]:
                stale.append(e.msgid)
        elif (compiled.ngettext(msgid, e.msgid_plural, 1), compiled.ngettext(msgid, e.msgid_plural, 2)) != (
            e.msgstr[0],
            e.msgstr[1],
        ):
            stale.append(e.msgid)
    assert not stale, "django.mo is out of date, run compilemessages; differing: " + repr(stale[:10])


CODE = Path(settings.BASE_DIR) / "chiso"
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}
LAZY = {"gettext_lazy", "ngettext_lazy", "pgettext_lazy", "npgettext_lazy", "gettext_noop"}


def translation_calls(tree: ast.Module):
    """(call, function name, at import time) for calls of django.utils.translation, by any alias."""
    names = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER | LAZY
    }

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in names:
                yield child, names[child.func.id], not in_function
            yield from visit(
                child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            )

    yield from visit(tree, False)


def code_modules():
    for path in sorted(CODE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(CODE), ast.parse(path.read_text(encoding="utf-8"))


def test_every_string_the_code_translates_is_in_the_catalogue(catalogue):
    """makemessages skips what xgettext cannot see (a call inside an f-string, an unknown alias):
    such a string would stay Vietnamese in English."""
    known = {(e.msgctxt, e.msgid) for e in messages(catalogue)}
    missing = []
    for path, tree in code_modules():
        for call, function, _at_import in translation_calls(tree):
            args = [a.value if isinstance(a, ast.Constant) else None for a in call.args]
            context, msgid = (
                (args[0], args[1]) if "pgettext" in function else (None, args[0] if args else None)
            )
            if isinstance(msgid, str) and (context, msgid) not in known:
                missing.append(f"{path}:{call.lineno}: {msgid!r}")
    assert not missing, "run make messages and translate:\n" + "\n".join(missing)


def test_nothing_is_translated_at_import_time():
    """A module-level gettext() is translated once, in Vietnamese, for every later request."""
    eager = [
        f"{path}:{call.lineno}"
        for path, tree in code_modules()
        for call, function, at_import in translation_calls(tree)
        if function in EAGER and at_import
    ]
    assert not eager, "use gettext_lazy at module and class level: " + ", ".join(eager)


def choose_language(client, code: str):
    response = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    return response


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_user_who_picks_english_sees_english(client, officer):
    client.force_login(officer)
    choose_language(client, "en")

    home = page(client, "/")
    assert '<html lang="en">' in home
    assert "Hello, Cán bộ xã" in home  # the user's name stays as written
    for words in ("Home", "Plans", "Import plans", "Units", "Index frameworks", "Log out", "Unit officer"):
        assert words in home, words
    assert "Trang chủ" not in home and "Đăng xuất" not in home

    units = page(client, "/units/")
    for words in ("Search units", "All types", "Unit type", "Parent unit", "In effect", "Commune"):
        assert words in units, words
    assert "Xã Vị Xuyên" in units  # proper names are not translated
    assert "Mọi loại" not in units

    plans = page(client, "/plans/")
    for words in ("Of my unit", "All plans I can see", "All years", "All statuses", "Number and symbol"):
        assert words in plans, words
    assert "Mọi năm" not in plans and "Trích yếu" not in plans


def test_coordinator_can_switch_back_to_vietnamese(client, coordinator):
    client.force_login(coordinator)
    choose_language(client, "en")
    assert "Coordinator" in page(client, "/")
    choose_language(client, "vi")
    home = page(client, "/")
    assert '<html lang="vi">' in home
    assert "Điều phối" in home and "Trang chủ" in home
    assert "Coordinator" not in home


def test_english_browser_still_gets_vietnamese(client, officer):
    client.force_login(officer)
    headers = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    for url in ("/", "/units/", "/plans/"):
        response = client.get(url, **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="vi">' in html, url
        assert "Trang chủ" in html and "Đơn vị" in html, url
        assert ">Home<" not in html, url


def test_login_page_for_an_english_browser_is_vietnamese(client):
    html = page(client.__class__(HTTP_ACCEPT_LANGUAGE="en"), "/accounts/login/")
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Sign in" not in html


@pytest.mark.django_db
def test_a_plan_page_in_english_says_plan_no(client):
    from chiso.plans.demo import build_demo_plans
    from chiso.plans.models import Plan
    from chiso.units.demo import build_demo_world

    world = build_demo_world()
    build_demo_plans()
    client.force_login(world["users"]["demo.tinh"])
    choose_language(client, "en")
    plan = Plan.objects.get(number="154", symbol="KH-UBND")
    content = page(client, f"/plans/{plan.pk}/")
    assert "Plan No. 154/KH-UBND" in content or "Plan no. 154/KH-UBND" in content


# Letters only Vietnamese uses; an English heading with one of them was left untranslated.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
FRAME_TAGS = {"nav", "h1", "h2", "h3", "h4", "th", "label", "button", "legend", "caption"}
VOID_TAGS = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}


class FrameText(HTMLParser):
    """The text of a page's navigation, headings, table headers, labels and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if data.strip() and FRAME_TAGS.intersection(self.open):
            self.texts.append(" ".join(data.split()))


def untranslated_frame(html: str, proper_names: list[str]) -> list[str]:
    parser = FrameText()
    parser.feed(html)
    left = []
    for text in parser.texts:
        for name in proper_names:
            text = text.replace(name, "")
        if VIETNAMESE.search(text):
            left.append(text)
    return left


def test_index_results_measures_and_assessments_in_english(client, tuyen_quang):
    leader = make_user("lanhdao", tuyen_quang, Role.LEADER, first_name="Phó Chủ tịch")
    client.force_login(leader)
    choose_language(client, "en")
    names = [tuyen_quang.name, "Phó Chủ tịch", "Tiếng Việt"]  # proper names and the language menu
    expected = {
        f"/scores/units/{tuyen_quang.pk}/?framework=PAPI": (
            "Index results",
            "Figures derived from the former units",  # Tuyên Quang was formed in 2025
            "Areas to focus on",
            "Dimensions",
            "National mean",
            "Comparison with localities of the same region and group",
            "Download PNG",
            "Falling score",  # a flag label, translated per request
        ),
        "/scores/": ("Index results", "Your units", "ranking (published figures)", "Derived total score"),
        "/measures/": ("Measures", "Unit of measure", "Range of values", "Values entered"),
        "/scores/assessments/": ("Self-assessment and appraisal", "Self-assessment"),
    }
    for url, words in expected.items():
        html = page(client, url)
        assert '<html lang="en">' in html, url
        for text in words:
            assert text in html, (url, text)
        assert untranslated_frame(html, names) == [], url
    assert "Giảm điểm" not in page(client, f"/scores/units/{tuyen_quang.pk}/?framework=PAPI")

"""The criteria other apps match against: which version applies to a year, and which criterion a
plan's printed label means.

Plans print criteria their own way: "4.5 Quyết tâm phòng chống tham nhũng của chính quyền" for
PAPI 4.4, "a) Tri thức công dân", 'Nội dung “Quản trị điện tử”', and a commune plan may insert its
own dimension and renumber the rest. So a printed name that clearly matches a criterion beats the
printed code, and the code decides only when the name is missing or agrees with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from chiso.core.text import fold, fold_words
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion

# A printed name this similar to a criterion's name identifies it whatever the printed code says.
NAME_MATCH = 0.6
# A printed code is trusted when the printed name is at least this similar to that criterion's name.
CODE_AGREES = 0.3
# Below NAME_MATCH, a name still identifies a criterion when it is this similar and clearly ahead.
NAME_PROBABLE = 0.45
PROBABLE_MARGIN = 0.15

STOPWORDS = frozenset(
    {"cua", "va", "trong", "o", "cac", "cho", "voi", "tai", "ve", "theo", "nhung", "la", "de"}
)
_LABEL_WORDS = re.compile(
    r"^(?:chi so noi dung|noi dung thanh phan|tieu chi thanh phan|chi so thanh phan|noi dung|tieu chi|linh vuc)\b\s*"
)
_ENUMERATOR = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[a-z]\)|[ivx]+[.)])\s+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_CODE = re.compile(r"^(?:d|cs|tc|lv)?\s*(\d+(?:\.\d+)*)\.?$")


@dataclass(frozen=True)
class CatalogEntry:
    """One criterion of the version applying to a year, flattened for matching."""

    id: int
    version_id: int
    code: str
    name_vi: str
    name_en: str
    folded: str
    level: str
    parent_code: str | None
    max_points: Decimal | None


def _normalise_kind(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(value))


def national_framework(framework_kind: str) -> Framework | None:
    """The national framework named by kind ("PAPI", "PAR_INDEX", "par index") or code."""
    wanted = _normalise_kind(framework_kind)
    frameworks = list(Framework.objects.national().order_by("code"))
    for framework in frameworks:
        if _normalise_kind(framework.code) == wanted:
            return framework
    for framework in frameworks:
        if _normalise_kind(framework.kind) == wanted:
            return framework
    return None


def version_for(framework_kind: str, year: int | None = None) -> FrameworkVersion | None:
    """The national version applying to `year` (the latest one when `year` is None)."""
    framework = national_framework(framework_kind)
    if framework is None:
        return None
    versions = FrameworkVersion.objects.national().filter(framework=framework)
    if year is not None:
        versions = versions.for_year(year)
    return versions.order_by("-year_from", "-id").first()


def catalog(framework_kind: str, year: int | None = None) -> list[CatalogEntry]:
    """The criteria of the national version of `framework_kind` applying to `year`, in tree order.

    Empty when no version applies (a year before the first structure entered).
    """
    version = version_for(framework_kind, year)
    if version is None:
        return []
    return entries(version)


def entries(version: FrameworkVersion) -> list[CatalogEntry]:
    criteria = list(Criterion.objects.filter(version=version).order_by("position", "code", "id"))
    codes = {c.pk: c.code for c in criteria}
    return [
        CatalogEntry(
            id=c.pk,
            version_id=version.pk,
            code=c.code,
            name_vi=c.name_vi,
            name_en=c.name_en,
            folded=fold(c.name_vi),
            level=c.level,
            parent_code=codes.get(c.parent_id) if c.parent_id else None,
            max_points=c.max_points,
        )
        for c in tree_order(criteria)
    ]


def tree_order(criteria: list[Criterion]) -> list[Criterion]:
    """Parents before children, siblings by position then code; sets `depth` on each criterion."""
    children: dict[int | None, list[Criterion]] = {}
    ids = {c.pk for c in criteria}
    for criterion in criteria:
        parent = criterion.parent_id if criterion.parent_id in ids else None
        children.setdefault(parent, []).append(criterion)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.position, _code_key(c.code), c.pk))
    ordered: list[Criterion] = []

    def walk(parent: int | None, depth: int) -> None:
        for criterion in children.get(parent, []):
            criterion.depth = depth
            ordered.append(criterion)
            walk(criterion.pk, depth + 1)

    walk(None, 0)
    return ordered


def _code_key(code: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


# --- matching a printed label -----------------------------------------------------------------


def normalise_code(code: str | None) -> str:
    """ "D4" → "4", "4.5." → "4.5", "CS 2" → "2"; anything else folded as printed."""
    if not code:
        return ""
    folded = fold(code).strip()
    match = _CODE.match(folded)
    return match.group(1) if match else folded


def clean_label(name: str | None) -> str:
    """The folded printed name without numbering, label words and quotes."""
    text = fold(name).replace("“", " ").replace("”", " ").replace('"', " ").replace("'", " ")
    previous = None
    while previous != text:
        previous = text
        text = _ENUMERATOR.sub("", text.strip())
        text = _LABEL_WORDS.sub("", text.strip())
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return [w for w in fold_words(text) if w not in STOPWORDS]


def _dice(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _similarity_words(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    uni_a, uni_b = set(a), set(b)
    bi_a, bi_b = set(zip(a, a[1:], strict=False)), set(zip(b, b[1:], strict=False))
    unigram = _dice(uni_a, uni_b)
    score = (unigram + _dice(bi_a, bi_b)) / 2 if bi_a and bi_b else unigram
    shorter, longer = sorted((len(uni_a), len(uni_b)))
    if shorter >= 3 and shorter >= 0.6 * longer:
        # The criterion's name with a few words added or left out ("Công khai minh bạch ngân
        # sách xã, phường" for "Công khai ngân sách cấp xã"); a short label inside a much longer
        # name ("Cung ứng dịch vụ công" in "Kiểm soát tham nhũng trong cung ứng dịch vụ công") is not.
        score = max(score, 0.85 * len(uni_a & uni_b) / shorter)
    return score


def similarity(label: str, criterion_name: str) -> float:
    """0..1: how alike a printed label and a criterion name are, accents, case and numbering aside."""
    cleaned = clean_label(label)
    variants_a = {cleaned, _PARENTHESES.sub(" ", cleaned)}
    folded = fold(criterion_name)
    variants_b = {folded, _PARENTHESES.sub(" ", folded)}
    return max(_similarity_words(_words(a), _words(b)) for a in variants_a for b in variants_b)


def match_criterion(
    version: FrameworkVersion, code: str | None, name: str | None, level: str | None = None
) -> Criterion | None:
    """The criterion of `version` a plan means by its printed `code` and `name`, or None.

    Name beats code: plans renumber (a commune inserting its own dimension 2 shifts PAPI's 2..8),
    so a printed name that matches a criterion well wins over the printed code; the code decides
    when the name is missing, or agrees with it, or no name matches well. A label that matches
    nothing (a local extra dimension, a sub-dimension dropped in this version) gives None.
    """
    criteria = list(Criterion.objects.filter(version=version))
    if level:
        criteria = [c for c in criteria if c.level == level]
    if not criteria:
        return None
    wanted_code = normalise_code(code)
    by_code = next((c for c in criteria if wanted_code and c.code.lower() == wanted_code), None)
    if not clean_label(name):
        return by_code
    scored = sorted(
        (
            (max(similarity(name, c.name_vi), similarity(name, c.name_en) if c.name_en else 0.0), c)
            for c in criteria
        ),
        key=lambda pair: (-pair[0], pair[1].position, pair[1].pk),
    )
    best_score, best = scored[0]
    code_score = next((score for score, c in scored if c is by_code), 0.0)
    if best_score >= NAME_MATCH:
        if by_code is not None and code_score >= best_score - 0.05:
            return by_code  # two names alike (sub-dimensions of one dimension): the code decides
        return best
    if by_code is not None and code_score >= CODE_AGREES:
        return by_code
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= NAME_PROBABLE and best_score - runner_up >= PROBABLE_MARGIN:
        return best
    return None

"""Which index a section is about, and which catalogue criterion a printed criterion is.

Plans renumber dimensions (a commune plan puts a local dimension second and shifts the rest) and
reword them, so a printed criterion is matched by name first, its code only breaking ties or
backing a close name. Everything here is pure and takes the catalogue as a list; `load_catalog`
builds that list from the framework reference of the frameworks app when it exists, or from the
criteria in the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chiso.core.text import fold

PAPI = "PAPI"
PAR_INDEX = "PAR_INDEX"
SIPAS = "SIPAS"
PCI = "PCI"
DDCI = "DDCI"
FRAMEWORKS = (PAPI, PAR_INDEX, SIPAS, PCI, DDCI)

_FRAMEWORK_PATTERNS = [
    (
        DDCI,
        re.compile(
            r"\bddci\b|nang luc canh tranh cap (so|huyen|so, ban|so ban|dia phuong)|nang luc canh tranh cac (so|dia phuong)"
        ),
    ),
    (PCI, re.compile(r"\bpci\b|nang luc canh tranh( cap tinh)?\b")),
    (
        SIPAS,
        re.compile(
            r"\bsipas\b|chi so hai long|muc do hai long|su hai long (cua nguoi dan|doi voi su phuc vu)"
        ),
    ),
    (PAR_INDEX, re.compile(r"\bpar[\s\-_]*index\b|chi so cai cach hanh chinh|chi so cchc|\bpar\b")),
    (
        PAPI,
        re.compile(
            r"\bpapi\b|hieu qua quan tri va hanh chinh cong|quan tri va hanh chinh cong|chi so quan tri cong"
        ),
    ),
]


def detect_frameworks(text: str | None) -> list[str]:
    """The frameworks a title names, in the order they are first named."""
    if not text:
        return []
    folded = fold(text)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _FRAMEWORK_PATTERNS:
        for match in pattern.finditer(folded):
            if any(a <= match.start() < b for a, b in taken):
                continue
            found.append((match.start(), kind))
            taken.append(match.span())
            break
    return [kind for _, kind in sorted(found)]


def detect_framework(text: str | None) -> str | None:
    """The one framework a title is about; None when it names none or several."""
    kinds = list(dict.fromkeys(detect_frameworks(text)))
    return kinds[0] if len(kinds) == 1 else None


@dataclass(frozen=True)
class CatalogEntry:
    """One criterion of a framework version, as the matcher needs it."""

    framework: str
    code: str
    name: str
    level: str = ""  # "dimension", "subdimension", "indicator"
    parent_code: str | None = None
    id: int | None = None
    version: str | None = None

    def as_dict(self) -> dict:
        return {
            "framework": self.framework,
            "version": self.version,
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "id": self.id,
        }


# Dimension names every plan uses (public facts of the PAPI and PAR INDEX structures), used to tell a
# dimension heading in prose even before any catalogue is loaded.
KNOWN_DIMENSIONS = [
    "Tham gia của người dân ở cấp cơ sở",
    "Công khai, minh bạch trong việc ra quyết định",
    "Trách nhiệm giải trình với người dân",
    "Kiểm soát tham nhũng trong khu vực công",
    "Thủ tục hành chính công",
    "Cung ứng dịch vụ công",
    "Quản trị môi trường",
    "Quản trị điện tử",
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
    "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội",
]

STOPWORDS = {
    "va",
    "cua",
    "trong",
    "o",
    "cac",
    "nhung",
    "voi",
    "cho",
    "tai",
    "ve",
    "viec",
    "su",
    "la",
    "duoc",
    "theo",
    "de",
    "doi",
    "cap",
}


def name_tokens(text: str) -> set[str]:
    text = re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]\s*", "", text or "")
    text = re.sub(r"[“”\"']", " ", text)
    without = re.sub(r"\([^)]*\)", " ", text)
    words = re.findall(r"[0-9a-z]+", fold(without))
    return {w for w in words if w not in STOPWORDS}


def normal_code(code: str | None) -> str:
    """ "D1" → "1", "PAPI-1.1" → "1.1", "1.a" → "1.1", "II" → "2"."""
    if not code:
        return ""
    text = fold(code).strip().rstrip(".)")
    text = re.sub(r"^[a-z_\-]*?(?=\d)", "", text) if re.search(r"\d", text) else text
    parts = [p for p in re.split(r"[.\-_/ ]+", text) if p]
    out = []
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
    letters = "abcdefghiklmnopqrstuvxy"
    for part in parts:
        if part.isdigit():
            out.append(str(int(part)))
        elif part in roman and not out:
            out.append(str(roman[part]))
        elif len(part) == 1 and part in letters:
            out.append(str(letters.index(part) + 1))
        elif re.fullmatch(r"\d+[a-z]", part):
            out.extend([str(int(part[:-1])), str(letters.index(part[-1]) + 1 if part[-1] in letters else 0)])
        else:
            out.append(part)
    return ".".join(out)


def name_score(query: str, candidate: str) -> float:
    a, b = name_tokens(query), name_tokens(candidate)
    if not a or not b:
        return 0.0
    common = len(a & b)
    dice = 2 * common / (len(a) + len(b))
    contained = common / len(a) if len(a) >= 2 else 0.0
    return max(dice, 0.85 * contained)


@dataclass(frozen=True)
class CriterionMatch:
    entry: CatalogEntry
    score: float
    via: str  # "name", "name+code", "code"


def match_criterion(
    code: str | None,
    name: str | None,
    catalog: list[CatalogEntry],
    *,
    level: str | None = None,
    parent: CatalogEntry | None = None,
    threshold: float = 0.5,
) -> CriterionMatch | None:
    """The catalogue criterion a printed (code, name) stands for, or None.

    `level` restricts to "dimension" or "subdimension"/"indicator" entries; `parent` (the matched
    dimension) restricts to its children. A code alone matches only when no name is printed.
    """
    pool = [
        e
        for e in catalog
        if not level or e.level == level or (level != "dimension" and e.level != "dimension")
    ]
    if not pool:
        return None
    wanted = normal_code(code)
    if parent is not None:
        # A sub-dimension belongs to its dimension: only that dimension's children are candidates,
        # and its code counts by its place inside the dimension (plans renumber dimensions).
        children = [e for e in pool if e.parent_code == parent.code]
        if children:
            return _best(
                wanted.split(".")[-1] if wanted else "", name, children, threshold, position_only=True
            )
    return _best(wanted, name, pool, threshold)


def _best(
    wanted: str, name: str | None, pool: list[CatalogEntry], threshold: float, position_only: bool = False
) -> CriterionMatch | None:
    best: CriterionMatch | None = None
    for entry in pool:
        entry_code = normal_code(entry.code)
        if position_only:
            entry_code = entry_code.split(".")[-1]
        code_match = bool(wanted) and entry_code == wanted
        if name and name_tokens(name):
            score = name_score(name, entry.name)
            via = "name"
            if code_match and score >= 0.3:
                score += 0.25
                via = "name+code"
        elif code_match:
            score, via = 0.6, "code"
        else:
            continue
        if score >= threshold and (best is None or score > best.score):
            best = CriterionMatch(entry, round(min(score, 1.0), 3), via)
    return best


def load_catalog(kind: str, year: int | None) -> list[CatalogEntry]:
    """The criteria of framework `kind` in force in `year`, from the frameworks app's catalogue
    (chiso.frameworks.catalog.catalog), or straight from the criteria in the database."""
    provided = None
    for module_name in ("chiso.frameworks.catalog", "chiso.frameworks.reference"):
        try:
            module = __import__(module_name, fromlist=["catalog"])
            provider = getattr(module, "catalog", None)
            if callable(provider):
                provided = provider(kind, year)
                break
        except (ImportError, AttributeError, TypeError, LookupError, ValueError):
            continue
    if provided:
        entries = [_entry_from(item, kind) for item in provided]
        entries = [entry for entry in entries if entry is not None]
        if entries:
            return entries
    return _catalog_from_db(kind, year)


def _entry_from(item, kind: str) -> CatalogEntry | None:
    if isinstance(item, CatalogEntry):
        return item

    def get(*names):
        for attribute in names:
            value = item.get(attribute) if isinstance(item, dict) else getattr(item, attribute, None)
            if value not in (None, ""):
                return value
        return None

    code = get("code")
    name = get("name_vi", "name")
    if not code or not name:
        return None
    parent = get("parent_code")
    if parent is None:
        parent_obj = get("parent")
        parent = (
            getattr(parent_obj, "code", None)
            if parent_obj is not None and not isinstance(parent_obj, str)
            else parent_obj
        )
    version = get("version_code", "version", "version_id")
    return CatalogEntry(
        framework=kind,
        code=str(code),
        name=str(name),
        level=str(get("level") or ""),
        parent_code=str(parent) if parent else None,
        id=get("id", "pk"),
        version=str(getattr(version, "code", version)) if version is not None else None,
    )


def _catalog_from_db(kind: str, year: int | None) -> list[CatalogEntry]:
    from chiso.frameworks.models import Criterion, FrameworkVersion

    versions = FrameworkVersion.objects.filter(
        framework__kind=kind, framework__owner__isnull=True, based_on__isnull=True
    )
    if year:
        in_force = versions.for_year(year)
        if in_force.exists():
            versions = in_force
    version = versions.order_by("-year_from", "-id").first()
    if version is None:
        return []
    criteria = Criterion.objects.filter(version=version).select_related("parent")
    return [
        CatalogEntry(
            framework=kind,
            code=criterion.code,
            name=criterion.name_vi,
            level=criterion.level,
            parent_code=criterion.parent.code if criterion.parent_id else None,
            id=criterion.pk,
            version=version.code,
        )
        for criterion in criteria
    ]

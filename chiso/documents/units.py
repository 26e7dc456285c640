"""Unit names as plans write them: split a cell into units, tell groups and posts from bodies,
and match each body to the unit tree.

Splitting respects commas inside a name: "Văn phòng HĐND và UBND, các phòng, ban, ngành; UBND
cấp xã" is three entries ("các phòng, ban, ngành" is one group), "Phòng Lao động, Thương binh và
xã hội" is one. A fragment starts a new entry only when it begins as a unit name begins (Phòng,
Sở, UBND, Ban, Công an, các …); any other fragment continues the entry before it.

Matching compares folded keys after expanding the abbreviations of data/documents/abbreviations.csv
(TN&MT, VH-TT, LĐ-TB&XH …), ignoring "và", punctuation and a trailing level word ("huyện", "xã"),
and lets a short form stand for the words it abbreviates ("Phòng Tài nguyên & MT"). A name
that matches no unit, or several, is flagged, never guessed. Groups ("UBND các xã, thị trấn")
stay groups.

The splitting and matching functions are pure (the candidates are a list argument);
`UnitIndex.for_issuer` builds the candidates from the database: the issuer's subtree and history,
and the bodies beside it under its parent.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from chiso.core.text import fold

DATA = Path(__file__).resolve().parent.parent.parent / "data" / "documents" / "abbreviations.csv"

# Words a unit name starts with (compared on the folded first words).
HEADS = (
    "phong",
    "so",
    "van phong",
    "vp",
    "ubnd",
    "uy ban",
    "ub",
    "ubmt",
    "ubmttq",
    "mttq",
    "mat tran",
    "hdnd",
    "hoi dong",
    "ban",
    "trung tam",
    "cong an",
    "thanh tra",
    "toa an",
    "vien",
    "bao hiem",
    "bhxh",
    "dien luc",
    "chi cuc",
    "cuc",
    "dai",
    "tram",
    "truong",
    "benh vien",
    "hoi",
    "doan",
    "huyen doan",
    "lien doan",
    "cong chuc",
    "can bo",
    "chuyen vien",
    "cac",
    "dang uy",
    "huyen uy",
    "thi uy",
    "thanh uy",
    "tinh uy",
    "thon",
    "to dan pho",
    "kho bac",
    "chi nhanh",
    "ngan hang",
    "quy",
    "doanh nghiep",
    "hat kiem lam",
    "ban chi huy",
    "bch",
    "quan su",
    "chu tich",
    "pho chu tich",
    "lanh dao",
    "thuong truc",
    "bo phan",
    "doi",
    "hop tac xa",
    "co quan",
    "don vi",
    "buu dien",
    "nha van hoa",
    "cac to chuc",
    "bo",
)
# Verbs that start like a unit name ("Ban hành", "Tổ chức", "Đoàn kết").
NOT_HEADS = re.compile(
    r"^(ban hanh|to chuc|doan ket|hoi nghi|hoi thao|dai dien|tram tinh|truong hop|so luong|so lieu|phong chong|phong ngua|vien chuc|cuc bo)\b"
)
GROUP_START = re.compile(r"^(cac|tat ca|toan the|moi)\b")
GROUP_INSIDE = re.compile(
    r"\bcac (xa|phuong|thi tran|thon|to|co quan|don vi|phong|ban|nganh|truong|doanh nghiep|hoi|doan the|to chuc|dia phuong)\b"
    r"|\b(ubnd|uy ban nhan dan) cap (xa|huyen)\b|^thon$|\bcac cap\b"
)
POST_START = re.compile(
    r"^(cong chuc|can bo|chuyen vien|chu tich|pho chu tich|truong thon|truong ban|to truong|bi thu|pho bi thu|giam doc|pho giam doc|thu truong|nguoi dung dau|lanh dao)\b"
)
LEVEL_SUFFIX = re.compile(r"(\s+(cap\s+)?(huyen|xa|tinh|thi tran|phuong|quan|thi xa|thanh pho|tp|tx))+$")
_NOT_UNIT = re.compile(r"^(theo|tat ca cac|nhan dan|nguoi dan|toan dan)\b")


@dataclass(frozen=True)
class Abbreviations:
    expansions: tuple[tuple[str, str], ...]  # folded abbreviation → folded expansion, longest first
    aliases: dict[str, str]  # unit key of a variant → unit key of its canonical name


@functools.cache
def abbreviations(path: Path = DATA) -> Abbreviations:
    expansions: dict[str, str] = {}
    alias_rows: list[tuple[str, str]] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            variant = (row.get("variant") or "").strip()
            expansion = (row.get("expansion") or "").strip()
            if not variant or not expansion:
                continue
            if row.get("kind") == "alias":
                alias_rows.append((variant, expansion))
            else:
                expansions[fold(variant)] = fold(expansion)
    ordered = tuple(sorted(expansions.items(), key=lambda item: -len(item[0])))
    table = Abbreviations(ordered, {})
    for variant, canonical in alias_rows:
        table.aliases[unit_key(variant, table)] = unit_key(canonical, table)
    return table


def unit_key(text: str, table: Abbreviations | None = None) -> str:
    """The comparison key of a unit name: folded, abbreviations expanded, "và", punctuation and a
    trailing level word dropped. "Phòng TN&MT huyện" → "phong tai nguyen moi truong"."""
    table = table or abbreviations()
    folded = fold(re.sub(r"\([^)]*\)", " ", text))
    folded = folded.replace("–", "-").replace("—", "-")
    for abbreviation, expansion in table.expansions:
        if abbreviation in folded:
            folded = re.sub(
                r"(?<![0-9a-z])" + re.escape(abbreviation) + r"(?![0-9a-z&])",
                " " + expansion + " ",
                folded,
            )
    folded = re.sub(r"[&+]", " va ", folded)
    folded = re.sub(r"[^0-9a-z ]+", " ", folded)
    words = [w for w in folded.split() if w not in ("va", "cua")]
    key = " ".join(words)
    key = LEVEL_SUFFIX.sub("", key).strip()
    return key


def _head(folded: str) -> bool:
    if NOT_HEADS.match(folded):
        return False
    return any(folded == h or folded.startswith(h + " ") for h in HEADS)


def _starts_unit(fragment: str) -> bool:
    """Whether a comma-separated fragment starts a new unit name."""
    text = fragment.strip()
    if not text:
        return False
    folded = fold(text)
    if folded.startswith("cac ") or folded == "cac":
        return True
    if re.match(r"^[A-ZĐ]{2,}(?![\w/])", text) and not re.match(r"^[IVXLC]+(?![\w])", text):
        return True  # an abbreviation: UBND, BHXH, VP (not a roman numeral "III/2023")
    if not text[0].isupper():
        return False
    return _head(folded)


def _split_outside_parentheses(text: str, separator: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _known_compounds() -> set[str]:
    table = abbreviations()
    return set(table.aliases) | set(table.aliases.values())


def _split_and(item: str) -> list[str]:
    """ "Bệnh viện ĐK và Trung tâm y tế huyện" → two; "Văn phòng HĐND và UBND" stays one."""
    pieces = re.split(r"\s+(?:và|cùng|với)\s+(?=\S)", item)
    if len(pieces) == 1:
        return [item]
    out = [pieces[0]]
    for piece in pieces[1:]:
        joined = out[-1] + " và " + piece
        bare_body = re.fullmatch(r"(UBND|HĐND|Ủy ban nhân dân|Hội đồng nhân dân|UBMTTQ|MTTQ)", piece.strip())
        if _starts_unit(piece) and not bare_body and unit_key(joined) not in _known_compounds():
            out.append(piece)
        else:
            out[-1] = joined
    return out


def split_units(text: str | None) -> list[str]:
    """The unit names in a cell, as printed (NFC, whitespace collapsed)."""
    if not text:
        return []
    lines: list[str] = []
    for raw in re.split(r"\n+", text):
        line = raw.strip()
        if not line:
            continue
        bullet = re.match(r"^[-–—+•·*]\s*", line)
        body = line[bullet.end() :] if bullet else line
        starts = _starts_unit(body) if not bullet else (_head(fold(body)) or fold(body).startswith("cac "))
        if lines and not starts and not re.search(r"[;,]\s*$", lines[-1]):
            lines[-1] = lines[-1] + " " + line  # a wrapped name: "Phòng Tài chính" / "– KH"
        else:
            lines.append(body)
    items: list[str] = []
    for line in lines:
        for part in _split_outside_parentheses(line, ";"):
            fragments = _split_outside_parentheses(part, ",")
            current: list[str] = []
            for fragment in fragments:
                piece = fragment.strip()
                if not piece:
                    continue
                if current and _starts_unit(piece) and not _continues_group(current, piece):
                    items.append(", ".join(current))
                    current = [piece]
                elif current:
                    current.append(piece)
                else:
                    current = [piece]
            if current:
                items.append(", ".join(current))
    out: list[str] = []
    for item in items:
        for piece in _split_and(item):
            cleaned = re.sub(r"\s+", " ", piece).strip(" .;,:-–+")
            cleaned = re.sub(r"^(đề nghị|giao|do)\s+", "", cleaned, flags=re.I)
            if cleaned and re.search(r"[A-Za-zÀ-ỹĐđ]", cleaned):
                out.append(cleaned)
    return out


def _continues_group(current: list[str], piece: str) -> bool:
    """ "UBND các xã, Thị trấn …": a capitalised word that is still part of a group list."""
    previous = fold(current[-1])
    return bool(re.search(r"\bcac (xa|phuong)$", previous)) and fold(piece) in (
        "thi tran",
        "phuong",
        "thi xa",
    )


def unit_kind(name: str) -> str:
    """ "group" (several units), "post" (a person's post, not a body) or "unit"."""
    folded = fold(name)
    if GROUP_START.match(folded) or GROUP_INSIDE.search(folded):
        return "group"
    if POST_START.match(folded):
        return "post"
    return "unit"


def looks_like_units(text: str) -> float:
    """How much a cell reads as a list of units (0 … 1), for tables that lost their grid."""
    items = split_units(text)
    if not items:
        return 0.0
    good = sum(1 for item in items if _starts_unit(item) and not _NOT_UNIT.match(fold(item)))
    return good / len(items) * (0.9 if len(text) < 160 else 0.4)


# --- matching to the unit tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    id: int
    ref: str | None
    name: str
    kind: str
    keys: tuple[str, ...]
    is_division: bool = False


@dataclass
class UnitMatch:
    text: str  # as printed
    kind: str  # "unit", "group", "post"
    status: str  # "matched", "unmatched", "ambiguous", "group", "post"
    unit_id: int | None = None
    unit_ref: str | None = None
    unit_name: str | None = None
    score: float = 0.0
    alternatives: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {"text": self.text, "kind": self.kind, "status": self.status}
        if self.unit_id is not None:
            data.update({"unit_id": self.unit_id, "unit_ref": self.unit_ref, "unit_name": self.unit_name})
        if self.alternatives:
            data["alternatives"] = self.alternatives
        return data


def _initials_align(query: list[str], target: list[str]) -> bool:
    """Every query word equals a target word or abbreviates a run of them by initials ("mt" ~ "moi truong")."""

    @functools.cache
    def step(i: int, j: int) -> bool:
        if i == len(query):
            return j == len(target)
        if j >= len(target):
            return False
        word = query[i]
        if word == target[j] and step(i + 1, j + 1):
            return True
        return (
            2 <= len(word) <= 6
            and j + len(word) <= len(target)
            and all(target[j + k].startswith(word[k]) for k in range(len(word)))
            and step(i + 1, j + len(word))
        )

    return step(0, 0)


def _subsequence(short: list[str], long: list[str]) -> bool:
    iterator = iter(long)
    return all(word in iterator for word in short)


def score_name(query_key: str, candidate_key: str) -> float:
    if not query_key or not candidate_key:
        return 0.0
    if query_key == candidate_key:
        return 1.0
    q, c = query_key.split(), candidate_key.split()
    if _initials_align(q, c):
        return 0.92
    if len(q) >= 3 and _subsequence(q, c) and q[0] == c[0] and len(c) - len(q) <= 3:
        return 0.8
    if len(c) >= 2 and _subsequence(c, q) and q[0] == c[0] and len(q) - len(c) <= 2:
        return 0.75
    return 0.0


def match_unit(name: str, candidates: list[Candidate], threshold: float = 0.75) -> UnitMatch:
    """Match one printed unit name against candidate units (pure)."""
    kind = unit_kind(name)
    if kind == "group":
        return UnitMatch(name, "group", "group")
    table = abbreviations()
    key = unit_key(name, table)
    queries = {key}
    if key in table.aliases:
        queries.add(table.aliases[key])
    # "UBND xã Nguyễn Trãi" names the commune itself.
    stripped = re.sub(r"^(uy ban nhan dan|ubnd)\s+", "", fold(name))
    if stripped != fold(name):
        queries.add(re.sub(r"[^0-9a-z ]+", " ", stripped).strip())
    scored: list[tuple[float, Candidate]] = []
    for candidate in candidates:
        score = 0.0
        for query in queries:
            for candidate_key in candidate.keys:
                score = max(score, score_name(query, candidate_key))
                if score == 1.0:
                    break
        if score >= threshold:
            scored.append((score, candidate))
    if not scored:
        return UnitMatch(name, kind, "post" if kind == "post" else "unmatched")
    scored.sort(key=lambda item: -item[0])
    top = scored[0][0]
    best = [candidate for score, candidate in scored if score == top]
    if len(best) > 1:
        # The same body under the issuer and under another level: prefer the body (not the division).
        bodies = [candidate for candidate in best if not candidate.is_division]
        if len(bodies) == 1:
            best = bodies
    if len(best) > 1:
        return UnitMatch(name, kind, "ambiguous", score=top, alternatives=[c.name for c in best[:5]])
    chosen = best[0]
    return UnitMatch(name, kind, "matched", chosen.id, chosen.ref, chosen.name, top)


class UnitIndex:
    """The units a plan can name: under its issuer (subtree and history) and beside it."""

    def __init__(self, candidates: list[Candidate]):
        self.candidates = candidates

    def match(self, name: str) -> UnitMatch:
        return match_unit(name, self.candidates)

    @classmethod
    def for_issuer(cls, issuer, day: dt.date | None = None) -> UnitIndex:
        from chiso.units.models import DIVISION_LEVEL, Unit
        from chiso.units.scope import expand

        ids = set(expand([issuer.pk]))
        if issuer.parent_id:
            ids.add(issuer.parent_id)
            ids.update(
                Unit.objects.filter(parent_id=issuer.parent_id)
                .exclude(kind__in=list(DIVISION_LEVEL))
                .values_list("pk", flat=True)
            )
        units = Unit.objects.filter(pk__in=ids)
        if day is not None:
            units = units.valid_on(day) | Unit.objects.filter(pk=issuer.pk)
        table = abbreviations()
        candidates = []
        for unit in units.only("pk", "ref", "name", "short_name", "aliases", "kind"):
            names = [unit.name, unit.short_name, *[a for a in (unit.aliases or "").split(";")]]
            keys = tuple(dict.fromkeys(unit_key(n, table) for n in names if n and n.strip()))
            candidates.append(
                Candidate(
                    unit.pk, unit.ref, unit.name, unit.kind, keys, is_division=unit.kind in DIVISION_LEVEL
                )
            )
        return cls(candidates)

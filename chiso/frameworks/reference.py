"""Loading the national index frameworks from the reference data files.

* PAPI: `data/frameworks/papi.json` (framework metadata) and the structure table it points to,
  `data/indices/papi_structure.csv`. Each distinct structure in use since `first_year` becomes a
  FrameworkVersion: the version boundaries are the years a row's `years_in_use` starts or ends and
  the years its `subdim_max_score` changes ("2.5 (2011-2020) / 3.33 (2021-)"). A score with several
  values but no years ("2.5 / 3.33") takes the year split of a sibling in the same dimension. A
  row still in use in the last year of the table is open-ended, and so is the latest version.
* PAR INDEX, SIPAS, PCI and the DDCI example: `data/frameworks/other_frameworks.json`.

Re-runnable: frameworks are keyed on code, versions on (framework, code), criteria on (version,
code). A second run creates nothing and updates only what the files changed, each change audited.
A value the files leave unknown (null maximum points, weight, end year) never overwrites what an
administrator entered. Nothing is deleted: criteria in the database that the files no longer list
are reported. Every file is read and checked completely before anything is written, and the
writes are one transaction, so a malformed file changes nothing.
"""

from __future__ import annotations

import csv
import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.audit import save_audited, update_audited
from chiso.core.numbers import decimal_text
from chiso.core.text import nfc
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion, Verification

AUDIT_NOTE = "load_frameworks"
PAPI_FILE = "papi.json"
OTHER_FILE = "other_frameworks.json"
PAPI_COLUMNS = [
    "dimension_code",
    "subdimension_code",
    "name_en",
    "name_vi",
    "years_in_use",
    "subdim_max_score",
    "name_source",
    "note",
]
# A null in the data means "not known": what an administrator entered stays.
KEEP_WHEN_UNKNOWN = {"max_points", "weight", "year_from", "year_to"}


class ReferenceDataError(Exception):
    """A data file is missing or malformed; the message names the file and line, in Vietnamese."""


def _error(path: Path, line: int | str | None, message: str) -> ReferenceDataError:
    if line is None:
        return ReferenceDataError(_("Tệp %(file)s: %(msg)s") % {"file": path.name, "msg": message})
    return ReferenceDataError(
        _("Tệp %(file)s, dòng %(line)s: %(msg)s") % {"file": path.name, "line": line, "msg": message}
    )


# --- specifications read from the files ------------------------------------------------------


@dataclass
class CriterionSpec:
    code: str
    level: str
    name_vi: str
    name_en: str = ""
    max_points: Decimal | None = None
    weight: Decimal | None = None
    source: str = ""
    note: str = ""
    verification: str = ""
    parent: str | None = None
    position: int = 0


@dataclass
class VersionSpec:
    code: str
    name: str
    year_from: int | None
    year_to: int | None
    source: str = ""
    note: str = ""
    verification: str = ""
    criteria: list[CriterionSpec] = field(default_factory=list)


@dataclass
class FrameworkSpec:
    code: str
    kind: str
    short_name: str
    name_vi: str
    name_en: str = ""
    publisher: str = ""
    description: str = ""
    source: str = ""
    versions: list[VersionSpec] = field(default_factory=list)


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=lambda: {"framework": 0, "version": 0, "criterion": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"framework": 0, "version": 0, "criterion": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"framework": 0, "version": 0, "criterion": 0})
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        labels = {"framework": _("Bộ chỉ số"), "version": _("Phiên bản"), "criterion": _("Tiêu chí")}
        return "; ".join(
            _("%(label)s: %(c)d tạo mới, %(u)d cập nhật, %(n)d không đổi")
            % {"label": labels[key], "c": self.created[key], "u": self.updated[key], "n": self.unchanged[key]}
            for key in labels
        )


def default_dir() -> Path:
    return settings.DATA_DIR / "frameworks"


# --- JSON with line numbers ------------------------------------------------------------------


class LinedDict(dict):
    """A JSON object that remembers the line it starts on."""

    line: int = 0


def _lined_decoder(text: str) -> json.JSONDecoder:
    decoder = json.JSONDecoder()

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        s, end = s_and_end
        obj, new_end = json.decoder.JSONObject(
            s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo
        )
        lined = LinedDict(obj)
        lined.line = s.count("\n", 0, end) + 1
        return lined, new_end

    decoder.parse_object = parse_object  # type: ignore[method-assign]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # the C scanner ignores parse_object
    return decoder


def read_json(path: Path) -> Any:
    if not path.exists():
        raise ReferenceDataError(_("Không tìm thấy tệp dữ liệu %(path)s.") % {"path": path})
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _error(path, None, _("tệp không phải UTF-8.")) from exc
    try:
        return _lined_decoder(text).decode(text)
    except json.JSONDecodeError as exc:
        raise _error(path, exc.lineno, _("JSON không hợp lệ (%(err)s).") % {"err": exc.msg}) from exc


def _line(obj: Any) -> int | None:
    return getattr(obj, "line", None)


def _text(obj: dict, key: str, path: Path, required: bool = False) -> str:
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _error(path, _line(obj), _("trường “%(key)s” phải là chuỗi ký tự.") % {"key": key})
    value = nfc(value)
    if required and not value:
        raise _error(path, _line(obj), _("thiếu trường “%(key)s”.") % {"key": key})
    return value


def _year(obj: dict, key: str, path: Path) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise _error(path, _line(obj), _("“%(key)s” phải là một năm (1990–2100) hoặc null.") % {"key": key})
    return value


def _number(obj: dict, key: str, path: Path) -> Decimal | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error(path, _line(obj), _("“%(key)s” phải là số hoặc null.") % {"key": key})
    number = Decimal(str(value))
    if number < 0 or number >= 10**6:
        raise _error(path, _line(obj), _("“%(key)s” phải là số không âm.") % {"key": key})
    return number


VERIFIED_FLAGS = {True: Verification.VERIFIED, False: Verification.UNVERIFIED, "partly": Verification.PARTLY}


def _verified(obj: dict, path: Path) -> str:
    if "verified" not in obj:
        return ""
    value = obj["verified"]
    for flag, verification in VERIFIED_FLAGS.items():
        if value is flag or (isinstance(flag, str) and value == flag):
            return verification
    raise _error(path, _line(obj), _('“verified” phải là true, false hoặc "partly".'))


def _check_keys(obj: Any, allowed: set[str], path: Path, what: str) -> None:
    if not isinstance(obj, dict):
        raise _error(path, _line(obj), _("mỗi %(what)s phải là một đối tượng JSON.") % {"what": what})
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise _error(
            path,
            _line(obj),
            _("%(what)s có trường không nhận biết: %(keys)s.") % {"what": what, "keys": ", ".join(unknown)},
        )


FRAMEWORK_KEYS = {
    "code",
    "kind",
    "short_name",
    "name_vi",
    "name_en",
    "publisher",
    "description",
    "source",
    "versions",
}
VERSION_KEYS = {"code", "name", "year_from", "year_to", "source", "note", "verified", "criteria"}
CRITERION_KEYS = {
    "code",
    "level",
    "name_vi",
    "name_en",
    "max_points",
    "weight",
    "source",
    "note",
    "verified",
    "children",
}
NATIONAL_KINDS = {kind for kind in Framework.Kind.values if kind != Framework.Kind.CUSTOM}


def read_other_frameworks(path: Path) -> list[FrameworkSpec]:
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("frameworks"), list):
        raise _error(path, _line(data) or 1, _("cần đối tượng có danh sách “frameworks”."))
    specs = []
    for item in data["frameworks"]:
        _check_keys(item, FRAMEWORK_KEYS, path, _("bộ chỉ số"))
        kind = _text(item, "kind", path, required=True)
        if kind not in NATIONAL_KINDS:
            raise _error(
                path,
                item.line,
                _("loại “%(kind)s” không hợp lệ; dùng một trong %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(sorted(NATIONAL_KINDS))},
            )
        spec = FrameworkSpec(
            code=_text(item, "code", path, required=True),
            kind=kind,
            short_name=_text(item, "short_name", path, required=True),
            name_vi=_text(item, "name_vi", path, required=True),
            name_en=_text(item, "name_en", path),
            publisher=_text(item, "publisher", path),
            description=_text(item, "description", path),
            source=_text(item, "source", path),
        )
        versions = item.get("versions")
        if not isinstance(versions, list) or not versions:
            raise _error(
                path, item.line, _("bộ chỉ số %(code)s chưa có phiên bản nào.") % {"code": spec.code}
            )
        for raw in versions:
            spec.versions.append(_read_version(raw, path))
        _no_duplicates([v.code for v in spec.versions], path, item.line, _("mã phiên bản"))
        specs.append(spec)
    _no_duplicates([s.code for s in specs], path, _line(data), _("mã bộ chỉ số"))
    return specs


def _no_duplicates(codes: list[str], path: Path, line: int | None, what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise _error(path, line, _("%(what)s “%(code)s” bị trùng.") % {"what": what, "code": code})
        seen.add(code)


def _read_version(raw: Any, path: Path) -> VersionSpec:
    _check_keys(raw, VERSION_KEYS, path, _("phiên bản"))
    version = VersionSpec(
        code=_text(raw, "code", path, required=True),
        name=_text(raw, "name", path, required=True),
        year_from=_year(raw, "year_from", path),
        year_to=_year(raw, "year_to", path),
        source=_text(raw, "source", path),
        note=_text(raw, "note", path),
        verification=_verified(raw, path),
    )
    if version.year_from and version.year_to and version.year_to < version.year_from:
        raise _error(path, raw.line, _("năm kết thúc nhỏ hơn năm bắt đầu."))
    criteria = raw.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        raise _error(path, raw.line, _("phiên bản %(code)s chưa có tiêu chí nào.") % {"code": version.code})

    def walk(items: list, parent: CriterionSpec | None) -> None:
        for position, item in enumerate(items, start=1):
            _check_keys(item, CRITERION_KEYS, path, _("tiêu chí"))
            level = _text(item, "level", path, required=True)
            if level not in CriterionLevel.values:
                raise _error(
                    path,
                    item.line,
                    _("cấp “%(level)s” không hợp lệ; dùng %(levels)s.")
                    % {"level": level, "levels": ", ".join(CriterionLevel.values)},
                )
            spec = CriterionSpec(
                code=_text(item, "code", path, required=True),
                level=level,
                name_vi=_text(item, "name_vi", path, required=True),
                name_en=_text(item, "name_en", path),
                max_points=_number(item, "max_points", path),
                weight=_number(item, "weight", path),
                source=_text(item, "source", path),
                note=_text(item, "note", path),
                verification=_verified(item, path),
                parent=parent.code if parent else None,
                position=position * 10,
            )
            if len(spec.code) > 30:
                raise _error(path, item.line, _("mã tiêu chí dài quá 30 ký tự."))
            if any(existing.code == spec.code for existing in version.criteria):
                raise _error(path, item.line, _("mã tiêu chí “%(code)s” bị trùng.") % {"code": spec.code})
            version.criteria.append(spec)
            children = item.get("children", [])
            if not isinstance(children, list):
                raise _error(path, item.line, _("“children” phải là danh sách."))
            walk(children, spec)

    walk(criteria, None)
    return version


# --- PAPI from the structure table ------------------------------------------------------------

YEARS_RE = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})?$")
SCORE_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:\(\s*(\d{4})\s*(?:([-–])\s*(\d{4})?)?\s*\))?$")
DIMENSION_RE = re.compile(r"^D([1-9]\d?)$")
SUBDIMENSION_RE = re.compile(r"^([1-9]\d?)\.([1-9]\d?)$")
UNVERIFIED_NAME_RE = re.compile(r"\s*\((?:wording\s+)?(?:not\s+verified|unverified)\)\s*$", re.IGNORECASE)
UNVERIFIED_RE = re.compile(r"not verified|unverified", re.IGNORECASE)
PARTLY_RE = re.compile(r"approximate|not checked|inferred", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int | None  # None: still in use

    def contains(self, year: int) -> bool:
        return self.start <= year and (self.end is None or year <= self.end)


@dataclass
class PapiRow:
    line: int
    dimension: int
    code: str
    parent: str | None
    name_vi: str
    name_en: str
    years: Span
    scores: list[tuple[Decimal, Span | None]]
    raw_score: str
    source: str
    note: str
    verification: str

    def score_in(self, year: int) -> Decimal | None:
        if len(self.scores) == 1 and self.scores[0][1] is None:
            return self.scores[0][0]
        for value, span in self.scores:
            if span is not None and span.contains(year):
                return value
        return None


def read_csv_rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line, row) for each row of a UTF-8 CSV file; the line is where the row starts in the file."""
    if not path.exists():
        raise ReferenceDataError(_("Không tìm thấy tệp dữ liệu %(path)s.") % {"path": path})
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise _error(path, 1, _("thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)})
            rows = []
            start = reader.line_num + 1
            for row in reader:
                if None in row or any(row.get(c) is None for c in columns):
                    raise _error(
                        path,
                        start,
                        _("số cột không đúng (cần %(n)d cột).") % {"n": len(reader.fieldnames or [])},
                    )
                rows.append((start, {key: nfc(value) for key, value in row.items()}))
                start = reader.line_num + 1
            return rows
    except UnicodeDecodeError as exc:
        raise _error(path, None, _("tệp không phải UTF-8.")) from exc
    except csv.Error as exc:
        raise _error(path, None, _("không đọc được CSV (%(err)s).") % {"err": exc}) from exc


def _parse_scores(text: str, path: Path, line: int) -> list[tuple[Decimal, Span | None]]:
    parts = [part.strip() for part in text.split("/")]
    scores: list[tuple[Decimal, Span | None]] = []
    for part in parts:
        match = SCORE_RE.match(part)
        if not match:
            raise _error(
                path,
                line,
                _(
                    "điểm tối đa “%(value)s” không đọc được (ví dụ hợp lệ: 2.5 hoặc 2.5 (2011-2020) / 3.33 (2021-))."
                )
                % {"value": text},
            )
        number, start, dash, end = match.groups()
        try:
            value = Decimal(number.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
            raise _error(path, line, _("điểm tối đa “%(value)s” không phải số.") % {"value": text}) from exc
        span = None
        if start:
            first = int(start)
            last = int(end) if end else (None if dash else first)
            if last is not None and last < first:
                raise _error(path, line, _("khoảng năm “%(value)s” bị ngược.") % {"value": part})
            span = Span(first, last)
        scores.append((value, span))
    with_years = [span is not None for _value, span in scores]
    if len(scores) > 1 and any(with_years) and not all(with_years):
        raise _error(path, line, _("điểm tối đa “%(value)s” ghi năm cho một số giá trị.") % {"value": text})
    return scores


def _derive_verification(name_vi: str, note: str) -> str:
    text = f"{name_vi} {note}"
    if UNVERIFIED_RE.search(text):
        return Verification.UNVERIFIED
    if PARTLY_RE.search(text):
        return Verification.PARTLY
    return ""


def read_papi_rows(path: Path) -> list[PapiRow]:
    rows: list[PapiRow] = []
    seen: dict[str, int] = {}
    for line, raw in read_csv_rows(path, PAPI_COLUMNS):
        dim_match = DIMENSION_RE.match(raw["dimension_code"])
        if not dim_match:
            raise _error(
                path,
                line,
                _("mã chỉ số nội dung “%(code)s” không hợp lệ (cần D1, D2, …).")
                % {"code": raw["dimension_code"]},
            )
        dimension = int(dim_match.group(1))
        sub = raw["subdimension_code"]
        if sub:
            sub_match = SUBDIMENSION_RE.match(sub)
            if not sub_match or int(sub_match.group(1)) != dimension:
                raise _error(
                    path,
                    line,
                    _("mã nội dung thành phần “%(code)s” không hợp lệ với chỉ số nội dung D%(dim)d.")
                    % {"code": sub, "dim": dimension},
                )
        code = sub or str(dimension)
        if code in seen:
            raise _error(
                path, line, _("mã “%(code)s” trùng với dòng %(other)d.") % {"code": code, "other": seen[code]}
            )
        seen[code] = line
        years_match = YEARS_RE.match(raw["years_in_use"])
        if not years_match:
            raise _error(
                path,
                line,
                _("năm sử dụng “%(value)s” không hợp lệ (cần dạng 2018-2024).")
                % {"value": raw["years_in_use"]},
            )
        first, last = int(years_match.group(1)), years_match.group(2)
        years = Span(first, int(last) if last else None)
        if years.end is not None and years.end < years.start:
            raise _error(path, line, _("năm sử dụng “%(value)s” bị ngược.") % {"value": raw["years_in_use"]})
        if not raw["name_vi"]:
            raise _error(path, line, _("thiếu tên tiếng Việt (name_vi)."))
        if not raw["subdim_max_score"]:
            raise _error(path, line, _("thiếu điểm tối đa (subdim_max_score)."))
        name_vi = UNVERIFIED_NAME_RE.sub("", raw["name_vi"])
        rows.append(
            PapiRow(
                line=line,
                dimension=dimension,
                code=code,
                parent=str(dimension) if sub else None,
                name_vi=name_vi,
                name_en=raw["name_en"],
                years=years,
                scores=_parse_scores(raw["subdim_max_score"], path, line),
                raw_score=raw["subdim_max_score"],
                source=raw["name_source"],
                note=raw["note"],
                verification=_derive_verification(raw["name_vi"], raw["note"]),
            )
        )
    if not rows:
        raise _error(path, None, _("tệp không có dòng dữ liệu nào."))
    _borrow_sibling_years(rows, path)
    return rows


def _borrow_sibling_years(rows: list[PapiRow], path: Path) -> None:
    """ "2.5 / 3.33" without years takes the year split of a sibling in the same dimension."""
    for row in rows:
        if len(row.scores) < 2 or row.scores[0][1] is not None:
            continue
        sibling = next(
            (
                other
                for other in rows
                if other.parent == row.parent
                and other is not row
                and len(other.scores) == len(row.scores)
                and all(span is not None for _v, span in other.scores)
            ),
            None,
        )
        if sibling is None:
            raise _error(
                path,
                row.line,
                _(
                    "điểm tối đa “%(value)s” có nhiều giá trị nhưng không ghi năm, và không có nội dung "
                    "thành phần cùng chỉ số nội dung ghi năm để suy ra."
                )
                % {"value": row.raw_score},
            )
        row.scores = [
            (value, span) for (value, _none), (_v, span) in zip(row.scores, sibling.scores, strict=True)
        ]
        row.note = "; ".join(
            part
            for part in (
                row.note,
                f"max score years taken from sibling {sibling.code} ({sibling.raw_score})",
            )
            if part
        )


def papi_version_starts(rows: list[PapiRow], first_year: int) -> tuple[list[int], int]:
    """The first year of each structure in use since `first_year`, and the table's last year."""
    last_year = max(max(row.years.end or row.years.start for row in rows), first_year)
    starts = {first_year}
    for row in rows:
        spans = [row.years] + [span for _value, span in row.scores if span is not None]
        for span in spans:
            if first_year < span.start <= last_year:
                starts.add(span.start)
            if span.end is not None and first_year <= span.end < last_year:
                starts.add(span.end + 1)
    return sorted(starts), last_year


def _years_label(year_from: int, year_to: int | None) -> str:
    if year_to is None:
        return _("từ %(year)d") % {"year": year_from}
    if year_to == year_from:
        return str(year_from)
    return f"{year_from}–{year_to}"


def _active(row: PapiRow, year: int) -> bool:
    return row.years.start <= year and (row.years.end is None or row.years.end >= year)


def read_papi(meta_path: Path) -> FrameworkSpec:
    meta = read_json(meta_path)
    allowed = {
        "_about",
        "code",
        "kind",
        "short_name",
        "name_vi",
        "name_en",
        "publisher",
        "description",
        "source",
        "structure_file",
        "first_year",
    }
    _check_keys(meta, allowed, meta_path, _("bộ chỉ số"))
    first_year = _year(meta, "first_year", meta_path)
    if first_year is None:
        raise _error(meta_path, meta.line, _("thiếu trường “first_year”."))
    structure = meta_path.parent / _text(meta, "structure_file", meta_path, required=True)
    spec = FrameworkSpec(
        code=_text(meta, "code", meta_path, required=True),
        kind=_text(meta, "kind", meta_path, required=True),
        short_name=_text(meta, "short_name", meta_path, required=True),
        name_vi=_text(meta, "name_vi", meta_path, required=True),
        name_en=_text(meta, "name_en", meta_path),
        publisher=_text(meta, "publisher", meta_path),
        description=_text(meta, "description", meta_path),
        source=_text(meta, "source", meta_path),
    )
    if spec.kind not in NATIONAL_KINDS:
        raise _error(meta_path, meta.line, _("loại “%(kind)s” không hợp lệ.") % {"kind": spec.kind})
    rows = read_papi_rows(structure)
    starts, _last_year = papi_version_starts(rows, first_year)
    previous: VersionSpec | None = None
    for index, year_from in enumerate(starts):
        year_to = starts[index + 1] - 1 if index + 1 < len(starts) else None
        dimensions = {row.dimension for row in rows if row.parent is None and _active(row, year_from)}
        version = VersionSpec(
            code=str(year_from),
            name=f"{spec.short_name} {_years_label(year_from, year_to)}",
            year_from=year_from,
            year_to=year_to,
            source=_("%(file)s (cột years_in_use, subdim_max_score); nguồn từng tiêu chí ghi ở tiêu chí.")
            % {"file": f"data/indices/{structure.name}"},
        )
        active = sorted(
            (row for row in rows if _active(row, year_from)),
            key=lambda r: tuple(int(part) for part in r.code.split(".")),
        )
        for row in active:
            if row.parent is not None and row.dimension not in dimensions:
                raise _error(
                    structure,
                    row.line,
                    _(
                        "nội dung thành phần %(code)s dùng năm %(year)d nhưng chỉ số nội dung D%(dim)d thì không."
                    )
                    % {"code": row.code, "year": year_from, "dim": row.dimension},
                )
            position = int(row.code.split(".")[-1]) * 10
            version.criteria.append(
                CriterionSpec(
                    code=row.code,
                    level=CriterionLevel.SUBDIMENSION if row.parent else CriterionLevel.DIMENSION,
                    name_vi=row.name_vi,
                    name_en=row.name_en,
                    max_points=row.score_in(year_from),
                    source=row.source,
                    note=row.note,
                    verification=row.verification,
                    parent=row.parent,
                    position=position,
                )
            )
        version.note = _papi_version_note(version, previous)
        spec.versions.append(version)
        previous = version
    return spec


def _papi_version_note(version: VersionSpec, previous: VersionSpec | None) -> str:
    dims = sum(1 for c in version.criteria if c.level == CriterionLevel.DIMENSION)
    subs = len(version.criteria) - dims
    text = _("%(dims)d chỉ số nội dung, %(subs)d nội dung thành phần.") % {"dims": dims, "subs": subs}
    if previous is None:
        return text
    before = {c.code: c for c in previous.criteria}
    now = {c.code: c for c in version.criteria}
    changes = []
    added = [code for code in now if code not in before]
    removed = [code for code in before if code not in now]
    rescored = [
        f"{code} ({_points(before[code].max_points)} → {_points(now[code].max_points)})"
        for code in now
        if code in before and before[code].max_points != now[code].max_points
    ]
    if added:
        changes.append(_("thêm %(codes)s") % {"codes": ", ".join(added)})
    if removed:
        changes.append(_("bỏ %(codes)s") % {"codes": ", ".join(removed)})
    if rescored:
        changes.append(_("đổi điểm tối đa %(codes)s") % {"codes": ", ".join(rescored)})
    return f"{text} " + _("So với %(name)s: %(changes)s.") % {
        "name": previous.name,
        "changes": "; ".join(changes),
    }


def _points(value: Decimal | None) -> str:
    return "?" if value is None else decimal_text(value)


# --- reading everything, then writing ---------------------------------------------------------


def read_specs(data_dir: Path | None = None) -> list[FrameworkSpec]:
    """Every framework the data files describe, checked completely; raises ReferenceDataError."""
    folder = Path(data_dir) if data_dir else default_dir()
    specs = [read_papi(folder / PAPI_FILE), *read_other_frameworks(folder / OTHER_FILE)]
    _no_duplicates([s.code for s in specs], folder / OTHER_FILE, None, _("mã bộ chỉ số"))
    return specs


def load_frameworks(data_dir: Path | None = None, actor=None) -> LoadReport:
    """Load (or refresh) the national frameworks; idempotent, audited, one transaction."""
    specs = read_specs(data_dir)
    report = LoadReport()
    with transaction.atomic():
        for spec in specs:
            _apply_framework(spec, report, actor)
    return report


def _sync(model, obj, lookup: dict[str, Any], values: dict[str, Any], key: str, report: LoadReport, actor):
    """Create `obj` or bring its fields to `values`; audited; unknown (None) values keep what is stored."""
    if obj is None:
        obj = model(**lookup, **values)
        save_audited(obj, actor, note=AUDIT_NOTE)
        report.created[key] += 1
        return obj
    known = {name: v for name, v in values.items() if v is not None or name not in KEEP_WHEN_UNKNOWN}
    if update_audited(obj, known, actor, note=AUDIT_NOTE):
        report.updated[key] += 1
    else:
        report.unchanged[key] += 1
    return obj


def _apply_framework(spec: FrameworkSpec, report: LoadReport, actor) -> None:
    framework = Framework.objects.filter(code=spec.code).first()
    if framework is not None and framework.owner_id is not None:
        raise ReferenceDataError(
            _("Mã bộ chỉ số %(code)s đã được một đơn vị dùng cho bộ chỉ số tự xây dựng.")
            % {"code": spec.code}
        )
    framework = _sync(
        Framework,
        framework,
        {"code": spec.code},
        {
            "kind": spec.kind,
            "short_name": spec.short_name,
            "name_vi": spec.name_vi,
            "name_en": spec.name_en,
            "publisher": spec.publisher,
            "description": spec.description,
            "source": spec.source,
        },
        "framework",
        report,
        actor,
    )
    existing_versions = {v.code: v for v in framework.versions.all()}
    for version_spec in spec.versions:
        version = existing_versions.get(version_spec.code)
        if version is not None and (version.owner_id is not None or version.based_on_id is not None):
            raise ReferenceDataError(
                _("Phiên bản %(code)s của %(fw)s đã được dùng cho một biến thể địa phương.")
                % {"code": version_spec.code, "fw": spec.code}
            )
        version = _sync(
            FrameworkVersion,
            version,
            {"framework": framework, "code": version_spec.code},
            {
                "name": version_spec.name,
                "year_from": version_spec.year_from,
                "year_to": version_spec.year_to,
                "source": version_spec.source,
                "note": version_spec.note,
                "verification": version_spec.verification,
            },
            "version",
            report,
            actor,
        )
        _apply_criteria(version, version_spec, report, actor)


def _apply_criteria(version: FrameworkVersion, spec: VersionSpec, report: LoadReport, actor) -> None:
    existing = {c.code: c for c in Criterion.objects.filter(version=version)}
    by_code: dict[str, Criterion] = {}
    for item in spec.criteria:  # parents come before their children
        parent = by_code[item.parent] if item.parent else None
        criterion = _sync(
            Criterion,
            existing.get(item.code),
            {"version": version, "code": item.code},
            {
                "parent_id": parent.pk if parent else None,
                "level": item.level,
                "name_vi": item.name_vi,
                "name_en": item.name_en,
                "max_points": item.max_points,
                "weight": item.weight,
                "position": item.position,
                "source": item.source,
                "note": item.note,
                "verification": item.verification,
            },
            "criterion",
            report,
            actor,
        )
        by_code[item.code] = criterion
    extra = sorted(set(existing) - set(by_code))
    if extra:
        report.notes.append(
            _(
                "%(version)s: tiêu chí %(codes)s có trong cơ sở dữ liệu nhưng không có trong tệp dữ liệu (giữ nguyên)."
            )
            % {"version": version.name, "codes": ", ".join(extra)}
        )

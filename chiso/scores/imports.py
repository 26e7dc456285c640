"""Importing index results from .csv/.xlsx: one row per unit × criterion × year.

The rules (the same for the page, the API and `chiso import_scores`):

* The file is the template chiso generates (`template_table`) or any sheet whose header names
  the same columns: headers are read by meaning (see `chiso.documents.sheets`), in any order.
  A row whose value, rank, number ranked, group and interval are all empty is skipped (a
  pre-filled template left partly blank) and counted in the summary.
* Every other row goes through `ScoreRowForm`: the unit (by code among the units valid that
  year — codes are reused across periods — or by name, folded), the framework, the version for
  the year, the criterion of that version (empty = the total), the value within
  0..max_points (the total: the sum of the dimensions' maximum points; no maximum known: only
  negatives refused), rank ≤ number ranked, interval in order, the source, and the user's
  COORDINATE scope on the unit.
* Across rows: the same unit, version, year, source and criterion twice is a duplicate (the later
  row is rejected); one score set has one publication.
* Against the database: a row that would change a value already stored (value, rank, group,
  interval, note, or the set's publication) is rejected unless `replace` is set; then it is an
  audited replacement. Empty cells never clear what is stored; filling an empty stored field is
  not an overwrite.
* Any rejected row: nothing is saved, every rejected row is reported with the row number the
  spreadsheet shows and its reasons in Vietnamese. Otherwise one transaction creates or updates
  the score sets (one per unit, version, year, source; published for official and appraisal
  results, `created_by` the actor) and their scores, each write audited.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.audit import record_bulk_create, save_audited
from chiso.documents.model import Column, Row, Table
from chiso.documents.sheets import ColumnSpec, RowError, read_records, row_messages
from chiso.documents.xlsx_writer import xlsx_bytes
from chiso.frameworks.catalog import tree_order
from chiso.frameworks.models import Criterion, FrameworkVersion
from chiso.scores.import_forms import SCORE_FIELDS, Lookups, ScoreRowForm
from chiso.scores.models import Group, Score, ScoreSet, Source
from chiso.units.models import Unit
from chiso.units.scope import COORDINATE, unit_scope

COLUMNS: list[ColumnSpec] = [
    ColumnSpec("unit_code", "Mã đơn vị (unit_code)", ("mã đơn vị", "mã đvhc", "mã tỉnh", "unit code", "ref")),
    ColumnSpec(
        "unit_name", "Tên đơn vị (unit_name)", ("đơn vị", "tên tỉnh", "tỉnh", "tỉnh thành phố", "unit")
    ),
    ColumnSpec("framework", "Bộ chỉ số (framework)", ("bộ chỉ số", "chỉ số", "index"), required=True),
    ColumnSpec("version", "Mã phiên bản (version)", ("phiên bản", "mã phiên bản")),
    ColumnSpec("year", "Năm (year)", ("năm", "năm đánh giá"), required=True),
    ColumnSpec("criterion", "Mã tiêu chí (criterion_code)", ("mã tiêu chí", "criterion", "mã chỉ số")),
    ColumnSpec("criterion_name", "Tên tiêu chí (criterion_name)", ("tên tiêu chí", "tiêu chí")),
    ColumnSpec("value", "Điểm (value)", ("điểm", "giá trị", "score", "điểm số"), required=True),
    ColumnSpec("rank", "Thứ hạng (rank)", ("thứ hạng", "xếp hạng", "hạng")),
    ColumnSpec("ranked", "Số đơn vị được xếp hạng (ranked)", ("số đơn vị xếp hạng", "tổng số đơn vị")),
    ColumnSpec("group", "Nhóm (group)", ("nhóm", "xếp nhóm")),
    ColumnSpec("ci_low", "Cận dưới khoảng tin cậy (ci_low)", ("cận dưới",)),
    ColumnSpec("ci_high", "Cận trên khoảng tin cậy (ci_high)", ("cận trên",)),
    ColumnSpec("source", "Nguồn số liệu (source)", ("nguồn", "nguồn số liệu")),
    ColumnSpec("publication", "Văn bản, ấn phẩm công bố (publication)", ("văn bản công bố", "ấn phẩm")),
    ColumnSpec("note", "Ghi chú (note)", ("ghi chú",)),
]
WIDTHS = {"unit_name": 5, "criterion_name": 7, "publication": 5, "note": 4, "ranked": 3}
IMPORTABLE_SOURCES = [Source.OFFICIAL, Source.SELF_ASSESSMENT, Source.APPRAISAL, Source.SURVEY]
PUBLIC_SOURCES = {Source.OFFICIAL, Source.APPRAISAL}
CONTENT_FIELDS = ("value", "rank", "ranked", "group", "ci_low", "ci_high")


@dataclass
class ImportSummary:
    rows: int = 0
    skipped: int = 0
    sets_created: int = 0
    sets_updated: int = 0
    scores_created: int = 0
    scores_updated: int = 0
    scores_unchanged: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def text(self) -> str:
        return _(
            "Đã nhập %(rows)d dòng: %(sc)d điểm mới, %(su)d điểm cập nhật, %(same)d điểm không đổi; "
            "%(setc)d bộ kết quả mới, %(setu)d bộ kết quả cập nhật; %(skip)d dòng bỏ trống điểm."
        ) % {
            "rows": self.rows,
            "sc": self.scores_created,
            "su": self.scores_updated,
            "same": self.scores_unchanged,
            "setc": self.sets_created,
            "setu": self.sets_updated,
            "skip": self.skipped,
        }


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    summary: ImportSummary | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def may_import(user) -> bool:
    """Whether the user may import at all: superusers, the system actor, coordinators of a unit."""
    scope = unit_scope(user, COORDINATE)
    return scope.everything or bool(scope.ids)


# --- reading ------------------------------------------------------------------------------------


def _blank_scores(record: dict[str, str]) -> bool:
    return not any(record.get(key) for key in CONTENT_FIELDS)


# --- validating ---------------------------------------------------------------------------------


@dataclass
class ValidRow:
    number: int
    data: dict

    @property
    def set_key(self) -> tuple:
        d = self.data
        return (d["unit"].pk, d["version"].pk, d["year"], d["source"])

    @property
    def key(self) -> tuple:
        criterion = self.data["criterion"]
        return (*self.set_key, criterion.pk if criterion else None)


def _label(key: str) -> str:
    return str(ScoreRowForm.base_fields[key].label)


def _show(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


@dataclass
class Stored:
    """What the database already holds for the rows: sets by set key, scores by row key."""

    sets: dict[tuple, ScoreSet] = field(default_factory=dict)
    scores: dict[tuple, Score] = field(default_factory=dict)


@dataclass
class Validation:
    rows: list[ValidRow]
    errors: list[RowError]
    skipped: int
    existing: Stored


def validate(records: list[tuple[int, dict[str, str]]], user, replace: bool = False) -> Validation:
    """Every row checked: the valid rows, the rejected ones (in row order), the blank rows skipped,
    and the stored sets the valid rows touch (locked until the end of the transaction)."""
    lookups = Lookups(user)
    valid: list[ValidRow] = []
    errors: list[RowError] = []
    skipped = 0
    seen: dict[tuple, int] = {}
    publications: dict[tuple, tuple[str, int]] = {}
    for number, record in records:
        if _blank_scores(record):
            skipped += 1
            continue
        form = ScoreRowForm(record, lookups=lookups)
        if not form.is_valid():
            errors.append(RowError(number, "; ".join(row_messages(form))))
            continue
        row = ValidRow(number, form.cleaned_data)
        if row.key in seen:
            errors.append(
                RowError(
                    number,
                    _("Trùng với dòng %(n)s (cùng đơn vị, bộ chỉ số, năm, nguồn và tiêu chí).")
                    % {"n": seen[row.key]},
                )
            )
            continue
        seen[row.key] = number
        publication = row.data["publication"]
        if publication:
            first = publications.setdefault(row.set_key, (publication, number))
            if first[0] != publication:
                errors.append(
                    RowError(
                        number,
                        _("Văn bản công bố khác với dòng %(n)s của cùng bộ kết quả (“%(p)s”).")
                        % {"n": first[1], "p": first[0]},
                    )
                )
                continue
        valid.append(row)
    existing = _existing(valid)
    errors.extend(_conflicts(valid, existing, replace))
    errors.sort(key=lambda e: e.row or 0)
    return Validation(valid, errors, skipped, existing)


def _existing(rows: list[ValidRow]) -> Stored:
    """The stored sets the rows touch and their scores (locked until the end of the transaction)."""
    keys = {row.set_key for row in rows}
    found = Stored()
    if not keys:
        return found
    units = {k[0] for k in keys}
    versions = {k[1] for k in keys}
    sets = ScoreSet.objects.select_for_update().filter(unit_id__in=units, version_id__in=versions)
    for score_set in sets.prefetch_related("scores"):
        key = (score_set.unit_id, score_set.version_id, score_set.year, score_set.source)
        if key in keys:
            found.sets[key] = score_set
            for score in score_set.scores.all():
                found.scores[(*key, score.criterion_id)] = score
    return found


def _conflicts(rows: list[ValidRow], existing: Stored, replace: bool) -> list[RowError]:
    if replace:
        return []
    errors = []
    for row in rows:
        score_set = existing.sets.get(row.set_key)
        if score_set is None:
            continue
        changes = []
        publication = row.data["publication"]
        if publication and score_set.publication and publication != score_set.publication:
            changes.append(f"{_label('publication')} “{score_set.publication}”")
        score = existing.scores.get(row.key)
        if score is not None:
            for name in SCORE_FIELDS:
                new, stored = row.data[name], getattr(score, name)
                if new not in (None, "") and stored not in (None, "") and new != stored:
                    changes.append(f"{_label(name)} {_show(stored)}")
        if changes:
            errors.append(
                RowError(
                    row.number,
                    _(
                        "Đã có kết quả khác trong hệ thống (%(old)s); đánh dấu “Thay thế kết quả đã có” "
                        "nếu muốn ghi đè."
                    )
                    % {"old": ", ".join(changes)},
                )
            )
    return errors


# --- saving -------------------------------------------------------------------------------------


def _write(rows: list[ValidRow], existing: Stored, actor, summary: ImportSummary) -> None:
    note = _("nhập từ tệp")
    new_sets: dict[tuple, ScoreSet] = {}
    for row in rows:
        key = row.set_key
        publication = row.data["publication"]
        if key in existing.sets:
            score_set = existing.sets[key]
            if publication and score_set.publication != publication:
                score_set.publication = publication
                if save_audited(score_set, actor, note) is not None:
                    summary.sets_updated += 1
        elif key not in new_sets:
            d = row.data
            new_sets[key] = ScoreSet(
                unit=d["unit"],
                version=d["version"],
                year=d["year"],
                source=d["source"],
                publication=publication,
                is_public=d["source"] in PUBLIC_SOURCES,
                created_by=actor,
            )
    created_sets = ScoreSet.objects.bulk_create(list(new_sets.values()))
    record_bulk_create(actor, created_sets, note)
    summary.sets_created = len(created_sets)
    new_scores = []
    for row in rows:
        d = row.data
        criterion = d["criterion"]
        stored = existing.scores.get(row.key)
        if stored is None:
            score_set = existing.sets.get(row.set_key) or new_sets[row.set_key]
            new_scores.append(
                Score(score_set=score_set, criterion=criterion, **{name: d[name] for name in SCORE_FIELDS})
            )
            continue
        changed = [n for n in SCORE_FIELDS if d[n] not in (None, "") and getattr(stored, n) != d[n]]
        if not changed:  # compared as numbers: 5.5 is the stored 5.5000
            summary.scores_unchanged += 1
            continue
        for name in changed:
            setattr(stored, name, d[name])
        save_audited(stored, actor, note)
        summary.scores_updated += 1
    created = Score.objects.bulk_create(new_scores, batch_size=1000)
    record_bulk_create(actor, created, note)
    summary.scores_created = len(created)


def import_scores(data: bytes, filename: str, user, replace: bool = False) -> ImportResult:
    """Validate every row of the file and, when none is rejected, save them all in one transaction.

    `user` is the person importing (or `chiso.core.actors.system_actor()` for a command): the
    scope check, `created_by` and the audit entries name them.
    """
    records, errors = read_records(data, filename, COLUMNS, any_of=[("unit_code", "unit_name")])
    if errors:
        return ImportResult(errors)
    if not records:
        return ImportResult([RowError(None, _("Tệp không có dòng dữ liệu nào."))])
    with transaction.atomic():
        checked = validate(records, user, replace)
        if checked.errors:
            return ImportResult(checked.errors)
        if not checked.rows:
            return ImportResult([RowError(None, _("Tệp không có dòng nào có điểm."))])
        summary = ImportSummary(rows=len(checked.rows), skipped=checked.skipped)
        _write(checked.rows, checked.existing, user, summary)
    return ImportResult(summary=summary)


# --- the template -------------------------------------------------------------------------------


def template_rows(version: FrameworkVersion | None, year: int | None, units: list[Unit]) -> list[list]:
    """One row per unit × criterion (the total first) of `version` for `year`, values empty."""
    if version is None or year is None:
        return []
    criteria = tree_order(list(Criterion.objects.filter(version=version)))
    rows = []
    slots: list[Unit | None] = list(units) or [None]
    for unit in slots:
        for criterion in [None, *criteria]:
            cells = {
                "unit_code": unit.code if unit else "",
                "unit_name": unit.name if unit else "",
                "framework": version.framework.code,
                "version": version.code,
                "year": year,
                "criterion": criterion.code if criterion else "",
                "criterion_name": criterion.name_vi if criterion else _("Tổng"),
                "source": Source.OFFICIAL.value,
            }
            rows.append([cells.get(spec.key, "") for spec in COLUMNS])
    return rows


def guide_rows() -> list[list[str]]:
    groups = ", ".join(f"{g.value} ({g.label})" for g in Group)
    sources = ", ".join(f"{s.value} ({s.label})" for s in IMPORTABLE_SOURCES)
    explain = {
        "unit_code": _(
            "Mã đơn vị hành chính (tỉnh 2 chữ số, xã 5 chữ số) hoặc khóa tham chiếu; mã được hiểu theo năm."
        ),
        "unit_name": _("Dùng khi không có mã; tên không phân biệt dấu, hoa thường."),
        "framework": _("PAPI, PAR_INDEX, SIPAS, PCI, DDCI hoặc mã bộ chỉ số tự xây dựng."),
        "version": _("Để trống: phiên bản áp dụng cho năm."),
        "year": _("Năm đánh giá, ví dụ 2024."),
        "criterion": _("Để trống với điểm tổng; nhập dạng văn bản (2.10 khác 2.1)."),
        "criterion_name": _("Chỉ để đọc, không được nhập vào hệ thống."),
        "value": _("Dấu thập phân là dấu phẩy hoặc dấu chấm; từ 0 đến điểm tối đa của tiêu chí."),
        "rank": _("Số nguyên từ 1, không lớn hơn số đơn vị được xếp hạng."),
        "group": groups,
        "source": sources + _("; để trống là official."),
    }
    return [[spec.title, explain.get(spec.key, "")] for spec in COLUMNS]


def template_xlsx(rows: list[list]) -> bytes:
    columns = [Column(spec.title, WIDTHS.get(spec.key, 2.6)) for spec in COLUMNS]
    guide = Table([Column(_("Cột"), 6), Column(_("Cách nhập"), 16)], [Row(r) for r in guide_rows()])
    data = Table(columns, [Row([c if c != "" else None for c in r]) for r in rows])
    return xlsx_bytes([(_("Kết quả chỉ số"), [], data), (_("Hướng dẫn"), [], guide)])


def template_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spec.title for spec in COLUMNS])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

"""Loading the published provincial PAPI results 2018–2024 (`data/indices/`) as score sets.

* `papi_provincial_scores_2018_2024.csv`: one row per province and year, the eight dimension
  scores (1–10) and the unweighted total (8–80), for the 63 provinces that existed before
  1 July 2025. A province is the unit of that code valid in that year (codes are reused: the
  Tuyên Quang formed in 2025 is another unit with the old one's code). Empty cells are values the
  source does not report; they are left out, never filled. The rank in the file is computed by
  the file's compilers among the provinces with a total (see SOURCES.md): it is kept as the
  total's rank with that note; the file's quartiles are not PAPI's official groups and are not
  stored (analytics computes the groups by the same quartile rule and says so).
* Each row becomes a `ScoreSet` (source official, public) in the PAPI version that applies to the
  year, with one `Score` per reported dimension and one for the total.
* Then the derived series are rebuilt (`chiso.scores.derived`): every unit that exists today and
  has no published set for a year gets one computed from its predecessors.

Re-runnable: sets are keyed on (unit, version, year, source), scores on (set, criterion); a second
run creates nothing, and a value the file changed is updated and audited. The whole file is read
and checked before anything is written, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.audit import record_bulk_create, save_audited, update_audited
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion
from chiso.frameworks.reference import ReferenceDataError, read_csv_rows
from chiso.scores import derived
from chiso.scores.models import Score, ScoreSet, Source
from chiso.units.models import Unit

PAPI_SCORES_FILE = "papi_provincial_scores_2018_2024.csv"
DIMENSION_COLUMNS = {
    "1": "d1_participation",
    "2": "d2_transparency",
    "3": "d3_vertical_accountability",
    "4": "d4_control_of_corruption",
    "5": "d5_public_admin_procedures",
    "6": "d6_public_service_delivery",
    "7": "d7_environmental_governance",
    "8": "d8_e_governance",
}
COLUMNS = [
    "year",
    "gso_code",
    "province_vi",
    *DIMENSION_COLUMNS.values(),
    "total_unweighted",
    "rank_computed",
    "n_ranked",
    "note",
]
PUBLICATION = "Báo cáo PAPI %(year)s (UNDP và các đối tác), papi.org.vn"
SOURCE_NOTE = (
    "Số liệu từ tệp dữ liệu PAPI chính thức (papi.org.vn/eng/papi-data), chép lại trong "
    "tunah72/papi-dashboard; xem data/indices/SOURCES.md. Thứ hạng tổng do bên tổng hợp tính "
    "trong số các tỉnh có điểm tổng, không phải bảng xếp nhóm chính thức."
)
RANK_NOTE = "Thứ hạng tính trong số các tỉnh có điểm tổng (SOURCES.md)."
AUDIT_NOTE = "load_scores"


@dataclass
class ScoreRow:
    line: int
    year: int
    unit: Unit
    values: dict[str, Decimal]  # criterion code ("" = total) → value
    rank: int | None
    ranked: int | None
    note: str


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    derived_created: int = 0
    derived_updated: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "Kết quả chỉ số: %(c)d bộ tạo mới, %(u)d cập nhật, %(n)d không đổi; "
            "quy đổi cho đơn vị mới: %(dc)d tạo mới, %(du)d cập nhật."
        ) % {
            "c": self.created,
            "u": self.updated,
            "n": self.unchanged,
            "dc": self.derived_created,
            "du": self.derived_updated,
        }


def _number(text: str, path: Path, line: int, column: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ReferenceDataError(
            _("Tệp %(file)s, dòng %(line)d: cột %(col)s không phải số (“%(value)s”).")
            % {"file": path.name, "line": line, "col": column, "value": text}
        ) from exc


def _province(code: str, year: int, cache: dict) -> Unit | None:
    if not cache:
        for unit in Unit.objects.filter(kind__in=["province", "city"]):
            cache.setdefault(unit.code, []).append(unit)
    for unit in cache.get(code, []):
        if (unit.valid_from is None or unit.valid_from.year <= year) and (
            unit.valid_to is None or unit.valid_to.year >= year
        ):
            return unit
    return None


def read_papi_scores(path: Path) -> list[ScoreRow]:
    rows: list[ScoreRow] = []
    provinces: dict[str, list[Unit]] = {}
    seen: dict[tuple[int, int], int] = {}
    for line, raw in read_csv_rows(path, COLUMNS):
        try:
            year = int(raw["year"])
        except ValueError as exc:
            raise ReferenceDataError(
                _("Tệp %(file)s, dòng %(line)d: năm “%(value)s” không hợp lệ.")
                % {"file": path.name, "line": line, "value": raw["year"]}
            ) from exc
        unit = _province(raw["gso_code"], year, provinces)
        if unit is None:
            raise ReferenceDataError(
                _("Tệp %(file)s, dòng %(line)d: không có tỉnh mã %(code)s trong năm %(year)d.")
                % {"file": path.name, "line": line, "code": raw["gso_code"], "year": year}
            )
        if (unit.pk, year) in seen:
            raise ReferenceDataError(
                _("Tệp %(file)s, dòng %(line)d: trùng với dòng %(other)d.")
                % {"file": path.name, "line": line, "other": seen[(unit.pk, year)]}
            )
        seen[(unit.pk, year)] = line
        values = {}
        for code, column in DIMENSION_COLUMNS.items():
            value = _number(raw[column], path, line, column)
            if value is not None:
                values[code] = value
        total = _number(raw["total_unweighted"], path, line, "total_unweighted")
        if total is not None:
            values[""] = total
        rank = _number(raw["rank_computed"], path, line, "rank_computed")
        ranked = _number(raw["n_ranked"], path, line, "n_ranked")
        rows.append(
            ScoreRow(
                line=line,
                year=year,
                unit=unit,
                values=values,
                rank=int(rank) if rank is not None and total is not None else None,
                ranked=int(ranked) if ranked is not None and total is not None else None,
                note=raw["note"],
            )
        )
    return rows


def _versions(framework: Framework, years: set[int], path: Path) -> dict[int, FrameworkVersion]:
    versions = {}
    for year in sorted(years):
        version = FrameworkVersion.objects.national().filter(framework=framework).for_year(year).first()
        if version is None:
            raise ReferenceDataError(
                _(
                    "Tệp %(file)s: không có phiên bản PAPI cho năm %(year)d (chạy chiso load_frameworks trước)."
                )
                % {"file": path.name, "year": year}
            )
        versions[year] = version
    return versions


def _save_score(score_set: ScoreSet, score: Score, actor) -> bool:
    """Create or update the score of `score_set` for `score.criterion`, audited; True if it changed."""
    current = next((s for s in score_set.scores.all() if s.criterion_id == score.criterion_id), None)
    if current is None:
        score.score_set = score_set
        save_audited(score, actor, AUDIT_NOTE)
        return True
    wanted = {"value": score.value, "rank": score.rank, "ranked": score.ranked, "note": score.note}
    return update_audited(current, wanted, actor, AUDIT_NOTE)


def load_scores(data_dir: Path | None = None, actor=None) -> LoadReport:
    """Load the provincial PAPI results and rebuild the derived series, in one transaction."""
    folder = data_dir or Path(settings.BASE_DIR) / "data" / "indices"
    path = folder / PAPI_SCORES_FILE
    rows = read_papi_scores(path)
    framework = Framework.objects.filter(code="PAPI", owner__isnull=True).first()
    if framework is None:
        raise ReferenceDataError(_("Chưa có bộ chỉ số PAPI (chạy chiso load_frameworks trước)."))
    versions = _versions(framework, {row.year for row in rows}, path)
    criteria = {
        (c.version_id, c.code): c
        for c in Criterion.objects.filter(version__in=versions.values(), code__in=list(DIMENSION_COLUMNS))
    }
    report = LoadReport()
    existing = {
        (s.unit_id, s.version_id, s.year): s
        for s in ScoreSet.objects.filter(
            version__framework=framework, source=Source.OFFICIAL
        ).prefetch_related("scores")
    }
    with transaction.atomic():
        new_sets: list[ScoreSet] = []
        new_scores: list[tuple[ScoreSet, Score]] = []
        for row in rows:
            version = versions[row.year]
            wanted = {
                "publication": PUBLICATION % {"year": row.year},
                "source_note": SOURCE_NOTE + (f" {row.note}" if row.note else ""),
                "is_public": True,
            }
            scores = []
            for code, value in row.values.items():
                criterion = criteria.get((version.pk, code)) if code else None
                if code and criterion is None:
                    raise ReferenceDataError(
                        _(
                            "Tệp %(file)s, dòng %(line)d: phiên bản %(version)s không có chỉ số nội dung %(code)s."
                        )
                        % {"file": path.name, "line": row.line, "version": version.code, "code": code}
                    )
                extra = (
                    {"rank": row.rank, "ranked": row.ranked, "note": RANK_NOTE}
                    if not code and row.rank
                    else {}
                )
                scores.append(Score(criterion=criterion, value=value, **extra))
            score_set = existing.get((row.unit.pk, version.pk, row.year))
            if score_set is None:
                score_set = ScoreSet(
                    unit=row.unit, version=version, year=row.year, source=Source.OFFICIAL, **wanted
                )
                new_sets.append(score_set)
                new_scores.extend((score_set, score) for score in scores)
                report.created += 1
                continue
            changed = update_audited(score_set, wanted, actor, AUDIT_NOTE)
            for score in scores:
                changed = _save_score(score_set, score, actor) or changed
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
        ScoreSet.objects.bulk_create(new_sets)
        for score_set, score in new_scores:
            score.score_set = score_set
        Score.objects.bulk_create([score for _set, score in new_scores], batch_size=1000)
        record_bulk_create(actor, new_sets, AUDIT_NOTE)
        record_bulk_create(actor, [score for _set, score in new_scores], AUDIT_NOTE)
        rebuilt = derived.rebuild_all(framework, actor)
        report.derived_created, report.derived_updated = rebuilt.created, rebuilt.updated
        report.notes.extend(rebuilt.notes)
    return report

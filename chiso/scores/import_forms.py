"""The form one imported score row goes through, and the look-ups it resolves names with.

`Lookups` answers, with a cache per import, "which unit is this code (or name) in that year",
"which framework, version and criterion", "what is the criterion's range" and "may the user write
scores of that unit"; `ScoreRowForm` turns one row's cells into objects or Vietnamese messages.
The rules are stated in `chiso.scores.imports`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.actors import is_system
from chiso.core.forms import NUMBER, DecimalCommaField
from chiso.core.numbers import decimal_text
from chiso.core.text import fold
from chiso.core.vndates import short_date
from chiso.frameworks.catalog import national_framework, normalise_code
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion
from chiso.scores.models import Group, Source
from chiso.units.models import DIVISION_LEVEL, Level, Unit, UnitKind
from chiso.units.scope import COORDINATE, unit_scope

SCORE_FIELDS = ("value", "rank", "ranked", "group", "ci_low", "ci_high", "note")
TOTAL_WORDS = {"", "tong", "total", "tong diem", "diem tong"}
TYPE_WORDS = re.compile(r"^(tinh|thanh pho|tp|huyen|quan|thi xa|tx|xa|phuong|thi tran|tt|dac khu)\s+")
LEVEL_ORDER = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2, Level.VILLAGE: 3}
INTEGER = {
    "invalid": gettext_lazy("Vui lòng nhập số nguyên."),
    "min_value": gettext_lazy("Không được nhỏ hơn %(limit_value)s."),
    "max_value": gettext_lazy("Không được lớn hơn %(limit_value)s."),
}
REQUIRED = {"required": gettext_lazy("Chưa nhập.")}


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", fold(text))


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _overlaps(unit: Unit, year: int) -> bool:
    first, last = _year_span(year)
    return (unit.valid_from is None or unit.valid_from <= last) and (
        unit.valid_to is None or unit.valid_to >= first
    )


def _validity(unit: Unit) -> str:
    if unit.valid_from and unit.valid_to:
        return _("hiệu lực từ %(a)s đến %(b)s") % {
            "a": short_date(unit.valid_from),
            "b": short_date(unit.valid_to),
        }
    if unit.valid_to:
        return _("hiệu lực đến %(b)s") % {"b": short_date(unit.valid_to)}
    return _("hiệu lực từ %(a)s") % {"a": short_date(unit.valid_from)}


def _level_rank(unit: Unit) -> int:
    level = DIVISION_LEVEL.get(UnitKind(unit.kind)) if unit.kind in DIVISION_LEVEL else None
    return LEVEL_ORDER[level] if level is not None else 9


class Lookups:
    """Names → objects for one import, each answer computed once."""

    def __init__(self, user):
        self.user = user
        self.system = is_system(user)
        self.scope = unit_scope(user, COORDINATE)  # every unit for the system actor
        self._by_code: dict[str, list[Unit]] = {}
        self._by_name: dict[str, list[Unit]] = {}
        self._frameworks: dict[str, Framework] = {}
        self._versions: dict[tuple[int, int], list[FrameworkVersion]] = {}
        self._criteria: dict[int, dict[str, Criterion]] = {}
        self._total_max: dict[int, Decimal | None] = {}

    # units

    def _code_candidates(self, code: str) -> list[Unit]:
        if code not in self._by_code:
            field = "ref" if ":" in code else "code"
            units = list(Unit.objects.filter(**{field: code}))
            if not units and code.isdigit():  # a code Excel turned into a number lost its zeros
                padded = {code.zfill(width) for width in (2, 3, 5) if len(code) < width}
                units = list(Unit.objects.filter(code__in=padded))
            self._by_code[code] = units
        return self._by_code[code]

    def _name_candidates(self, name: str) -> list[Unit]:
        folded = fold(name)
        if folded not in self._by_name:
            units = list(Unit.objects.search(name)[:500])
            exact = [
                u
                for u in units
                if folded in {fold(n) for n in (u.name, u.short_name, *u.aliases.split(";")) if n}
            ]
            if exact:
                self._by_name[folded] = exact
            else:
                bare = TYPE_WORDS.sub("", folded)
                self._by_name[folded] = [u for u in units if TYPE_WORDS.sub("", fold(u.name)) == bare]
        return self._by_name[folded]

    def unit(self, code: str, name: str, year: int) -> Unit:
        """The unit a row means in `year`; ValidationError with the reason otherwise."""
        wanted = code or name
        candidates = self._code_candidates(code) if code else self._name_candidates(name)
        if not candidates:
            if code:
                raise ValidationError(_("Không tìm thấy đơn vị mã “%(c)s”.") % {"c": code})
            raise ValidationError(_("Không tìm thấy đơn vị “%(n)s”.") % {"n": name})
        valid = [u for u in candidates if _overlaps(u, year)]
        if not valid:
            unit = min(
                candidates, key=lambda u: abs((u.valid_to or u.valid_from or dt.date(year, 7, 1)).year - year)
            )
            raise ValidationError(
                _("Đơn vị “%(u)s” (mã %(c)s) không có hiệu lực trong năm %(y)s (%(v)s).")
                % {"u": unit.name, "c": unit.code or "—", "y": year, "v": _validity(unit)}
            )
        if len(valid) > 1:  # a code reused in the year of the change: the unit at the year's end
            last = _year_span(year)[1]
            at_end = [u for u in valid if u.is_valid_on(last)]
            valid = at_end or valid
        if len(valid) > 1 and not code:  # "Thanh Hóa": the province before the city of that name
            best = min(_level_rank(u) for u in valid)
            valid = [u for u in valid if _level_rank(u) == best]
        if len(valid) > 1:
            raise ValidationError(
                _("Có %(n)d đơn vị “%(w)s” trong năm %(y)s (%(list)s); hãy ghi mã đơn vị.")
                % {
                    "n": len(valid),
                    "w": wanted,
                    "y": year,
                    "list": ", ".join(f"{u.name} – {u.code or u.ref}" for u in valid[:4]),
                }
            )
        unit = valid[0]
        if (
            code
            and name
            and TYPE_WORDS.sub("", fold(name))
            not in {
                TYPE_WORDS.sub("", fold(n))
                for n in (unit.name, unit.short_name, *unit.aliases.split(";"))
                if n
            }
        ):
            raise ValidationError(
                _("Mã “%(c)s” là của “%(u)s” trong năm %(y)s, không phải “%(n)s”.")
                % {"c": code, "u": unit.name, "y": year, "n": name}
            )
        return unit

    def may_write(self, unit: Unit) -> bool:
        return unit.pk in self.scope

    # frameworks

    def framework(self, text: str) -> Framework:
        key = _key(text)
        if key not in self._frameworks:
            found = national_framework(text)
            if found is None:
                custom = (
                    Framework.objects.custom()
                    if self.system
                    else Framework.objects.restrict(self.user).custom()
                )
                matches = [f for f in custom if key in (_key(f.code), _key(f.short_name))]
                if len(matches) > 1:
                    raise ValidationError(
                        _("Có nhiều bộ chỉ số “%(f)s”; hãy ghi mã bộ chỉ số (%(codes)s).")
                        % {"f": text, "codes": ", ".join(f.code for f in matches)}
                    )
                found = matches[0] if matches else None
            if found is None:
                raise ValidationError(_("Không có bộ chỉ số “%(f)s”.") % {"f": text})
            self._frameworks[key] = found
        return self._frameworks[key]

    def version(self, framework: Framework, year: int, code: str) -> FrameworkVersion:
        if (framework.pk, year) not in self._versions:
            self._versions[(framework.pk, year)] = list(
                FrameworkVersion.objects.filter(framework=framework)
                .for_year(year)
                .select_related("framework")
            )
        applying = self._versions[(framework.pk, year)]
        if code:
            chosen = [v for v in applying if v.code.lower() == code.lower()]
            if not chosen:
                if FrameworkVersion.objects.filter(framework=framework, code__iexact=code).exists():
                    raise ValidationError(
                        _("Phiên bản “%(v)s” của %(f)s không áp dụng cho năm %(y)s.")
                        % {"v": code, "f": framework.short_name, "y": year}
                    )
                raise ValidationError(
                    _("Bộ chỉ số %(f)s không có phiên bản “%(v)s”.") % {"f": framework.short_name, "v": code}
                )
            return chosen[0]
        own = [v for v in applying if v.owner_id is None]
        if not own:
            raise ValidationError(
                _("Bộ chỉ số %(f)s không có phiên bản áp dụng cho năm %(y)s.")
                % {"f": framework.short_name, "y": year}
            )
        if len(own) > 1:
            raise ValidationError(
                _(
                    "Bộ chỉ số %(f)s có nhiều phiên bản áp dụng cho năm %(y)s (%(codes)s); hãy ghi mã phiên bản."
                )
                % {"f": framework.short_name, "y": year, "codes": ", ".join(v.code for v in own)}
            )
        return own[0]

    def _criteria_of(self, version: FrameworkVersion) -> dict[str, Criterion]:
        if version.pk not in self._criteria:
            criteria = list(Criterion.objects.filter(version=version))
            self._criteria[version.pk] = {c.code.lower(): c for c in criteria}
            dimensions = [c for c in criteria if c.level == CriterionLevel.DIMENSION]
            points = [c.max_points for c in dimensions if c.max_points is not None]
            known = bool(dimensions) and len(points) == len(dimensions)
            self._total_max[version.pk] = sum(points, Decimal(0)) if known else None
        return self._criteria[version.pk]

    def criterion(self, version: FrameworkVersion, year: int, code: str) -> Criterion | None:
        """The criterion of `version` (None: the total); ValidationError when it has no such code."""
        criteria = self._criteria_of(version)
        if fold(code) in TOTAL_WORDS:
            return None
        found = criteria.get(code.lower().replace(" ", "")) or criteria.get(normalise_code(code))
        if found is None:
            raise ValidationError(
                _("Tiêu chí “%(c)s” không có trong %(v)s (phiên bản áp dụng cho năm %(y)s).")
                % {"c": code, "v": version.name, "y": year}
            )
        return found

    def maximum(self, version: FrameworkVersion, criterion: Criterion | None) -> Decimal | None:
        self._criteria_of(version)
        return criterion.max_points if criterion is not None else self._total_max[version.pk]


def _choice(text: str, choices, names: Mapping[str, str]) -> str | None:
    key = _key(text)
    for value, label in choices:
        if key in (_key(value), _key(str(label))) or names.get(key) == value:
            return value
    return names.get(key)


GROUP_NAMES = {
    _key("cao nhất"): Group.BEST,
    _key("trung bình cao"): Group.HIGH_AVERAGE,
    _key("trung bình thấp"): Group.LOW_AVERAGE,
    _key("thấp nhất"): Group.POOR,
}
SOURCE_NAMES = {_key("công bố"): Source.OFFICIAL, _key("khảo sát"): Source.SURVEY}


class ScoreRowForm(forms.Form):
    """One row of a score import: cells as text in, objects out (`cleaned_data`)."""

    unit_code = forms.CharField(label=gettext_lazy("Mã đơn vị"), required=False, max_length=64)
    unit_name = forms.CharField(label=gettext_lazy("Tên đơn vị"), required=False, max_length=255)
    framework = forms.CharField(label=gettext_lazy("Bộ chỉ số"), max_length=60, error_messages=REQUIRED)
    version = forms.CharField(label=gettext_lazy("Mã phiên bản"), required=False, max_length=60)
    year = forms.IntegerField(
        label=gettext_lazy("Năm"), min_value=1990, max_value=2100, error_messages={**INTEGER, **REQUIRED}
    )
    criterion = forms.CharField(label=gettext_lazy("Mã tiêu chí"), required=False, max_length=30)
    value = DecimalCommaField(
        label=gettext_lazy("Điểm"), max_digits=12, decimal_places=4, error_messages={**NUMBER, **REQUIRED}
    )
    rank = forms.IntegerField(
        label=gettext_lazy("Thứ hạng"), required=False, min_value=1, error_messages=INTEGER
    )
    ranked = forms.IntegerField(
        label=gettext_lazy("Số đơn vị được xếp hạng"), required=False, min_value=1, error_messages=INTEGER
    )
    group = forms.CharField(label=gettext_lazy("Nhóm"), required=False, max_length=60)
    ci_low = DecimalCommaField(
        label=gettext_lazy("Cận dưới khoảng tin cậy"),
        required=False,
        max_digits=12,
        decimal_places=4,
        error_messages=NUMBER,
    )
    ci_high = DecimalCommaField(
        label=gettext_lazy("Cận trên khoảng tin cậy"),
        required=False,
        max_digits=12,
        decimal_places=4,
        error_messages=NUMBER,
    )
    source = forms.CharField(label=gettext_lazy("Nguồn số liệu"), required=False, max_length=60)
    publication = forms.CharField(
        label=gettext_lazy("Văn bản, ấn phẩm công bố"), required=False, max_length=500
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=500)

    def __init__(self, data, *, lookups: Lookups):
        super().__init__(data)
        self.lookups = lookups

    def clean_group(self) -> str:
        text = self.cleaned_data["group"]
        if not text:
            return ""
        value = _choice(text, Group.choices, GROUP_NAMES)
        if value is None:
            raise ValidationError(
                _("không hợp lệ; dùng một trong: %(list)s.") % {"list": ", ".join(g.value for g in Group)}
            )
        return value

    def clean_source(self) -> str:
        text = self.cleaned_data["source"]
        if not text:
            return Source.OFFICIAL
        value = _choice(text, Source.choices, SOURCE_NAMES)
        if value == Source.DERIVED:
            raise ValidationError(_("số liệu quy đổi do hệ thống tính, không nhập từ tệp."))
        if value is None:
            allowed = (Source.OFFICIAL, Source.SELF_ASSESSMENT, Source.APPRAISAL, Source.SURVEY)
            raise ValidationError(_("không hợp lệ; dùng một trong: %(list)s.") % {"list": ", ".join(allowed)})
        return value

    def _resolve(self, what, *args):
        try:
            return what(*args)
        except ValidationError as exc:
            self.add_error(None, exc)
            return None

    def clean(self):
        data = super().clean() or {}
        lookups = self.lookups
        year = data.get("year")
        unit = framework = version = None
        if year is not None:
            if not (data.get("unit_code") or data.get("unit_name")):
                self.add_error(None, _("Chưa ghi mã hoặc tên đơn vị."))
            else:
                unit = self._resolve(lookups.unit, data.get("unit_code", ""), data.get("unit_name", ""), year)
        if data.get("framework"):
            framework = self._resolve(lookups.framework, data["framework"])
        if framework is not None and year is not None:
            version = self._resolve(lookups.version, framework, year, data.get("version", ""))
        criterion = None
        if version is not None and year is not None:
            try:
                criterion = lookups.criterion(version, year, data.get("criterion", ""))
            except ValidationError as exc:
                self.add_error(None, exc)
            else:
                self._check_range(data.get("value"), version, criterion)
        rank, ranked = data.get("rank"), data.get("ranked")
        if rank is not None and ranked is not None and rank > ranked:
            self.add_error(
                None,
                _("Thứ hạng %(r)s lớn hơn số đơn vị được xếp hạng %(n)s.") % {"r": rank, "n": ranked},
            )
        low, high = data.get("ci_low"), data.get("ci_high")
        if low is not None and high is not None and low > high:
            self.add_error(None, _("Cận dưới khoảng tin cậy lớn hơn cận trên."))
        if unit is not None and not lookups.may_write(unit):
            self.add_error(
                None, _("Bạn không có quyền nhập kết quả chỉ số cho đơn vị “%(u)s”.") % {"u": unit.name}
            )
        data.update(unit=unit, framework=framework, version=version, criterion=criterion)
        return data

    def _check_range(
        self, value: Decimal | None, version: FrameworkVersion, criterion: Criterion | None
    ) -> None:
        if value is None:
            return
        what = (
            _("tiêu chí %(c)s") % {"c": criterion.code}
            if criterion is not None
            else _("điểm tổng %(f)s") % {"f": version.framework.short_name}
        )
        maximum = self.lookups.maximum(version, criterion)
        shown = decimal_text(value)
        if value < 0:
            self.add_error(None, _("Điểm %(v)s âm: điểm của %(w)s không được âm.") % {"v": shown, "w": what})
        elif maximum is not None and value > maximum:
            self.add_error(
                None,
                _("Điểm %(v)s nằm ngoài khoảng 0–%(m)s của %(w)s.")
                % {"v": shown, "m": decimal_text(maximum), "w": what},
            )

"""How well a parse matches a hand-written expected result (tests/data/import/*.expected.json).

Used by the tests and by `python -m bench.import_bench`. Expected tasks are matched to parsed
tasks in document order by the start of their text; each matched task is then checked for its
printed criterion code, its lead units and the catalogue criterion it was matched to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.core.text import fold

HEADER_FIELDS = (
    "issuer",
    "number",
    "symbol",
    "issued_on",
    "place",
    "title",
    "period_start",
    "period_end",
    "implements",
    "supersedes",
    "deadlines",
)


def _norm(text: str | None) -> str:
    """Folded, dashes unified and spaces around them and "&" removed: "Phòng Tài chính – KH" ~ "Phòng Tài chính-KH"."""
    value = fold(text or "").replace("–", "-").replace("—", "-")
    value = re.sub(r"\s*([-&/])\s*", r"\1", value)
    value = re.sub(r"\bubnd\b", "uy ban nhan dan", value)
    return re.sub(r"\s+", " ", value).strip(" .;,")


def _units(values: list[str]) -> list[str]:
    return [_norm(value) for value in values]


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    right_code: int = 0
    right_leads: int = 0
    canonical_matched: int = 0  # parsed tasks with a catalogue criterion
    right_canonical: int = 0
    parsed: int = 0
    header_right: int = 0
    header_total: int = 0
    header_wrong: list[str] = field(default_factory=list)
    task_errors: list[str] = field(default_factory=list)

    def rate(self, value: int) -> float:
        return value / self.expected if self.expected else 1.0

    def as_dict(self) -> dict:
        return {
            "expected": self.expected,
            "parsed": self.parsed,
            "found": self.found,
            "right_code": self.right_code,
            "right_leads": self.right_leads,
            "canonical_matched": self.canonical_matched,
            "right_canonical": self.right_canonical,
            "header_right": self.header_right,
            "header_total": self.header_total,
            "header_wrong": self.header_wrong,
        }


def _header_ok(name: str, expected, parsed_plan: dict) -> bool:
    got = parsed_plan.get(name)
    if name in ("implements", "supersedes"):
        if len(got or []) != len(expected):
            return False
        for want, have in zip(expected, got or [], strict=False):
            for key, value in want.items():
                if key == "issuer" or key == "kind":
                    if _norm(have.get(key)) != _norm(value):
                        return False
                elif have.get(key) != value:
                    return False
        return True
    if name == "deadlines":
        have = got or []
        return all(any(all(d.get(k) == v for k, v in want.items()) for d in have) for want in expected)
    if name in ("issuer", "title", "place"):
        return _norm(got) == _norm(expected)
    return got == expected


def score(parsed: dict, expected: dict) -> Score:
    """Compare a parse (ParsedPlan.as_dict()) with an expected result."""
    result = Score(expected=len(expected["tasks"]), parsed=len(parsed["tasks"]))
    plan = parsed["plan"]
    for name in HEADER_FIELDS:
        if name not in expected["plan"]:
            continue
        result.header_total += 1
        if _header_ok(name, expected["plan"][name], plan):
            result.header_right += 1
        else:
            result.header_wrong.append(f"{name}: expected {expected['plan'][name]!r}, got {plan.get(name)!r}")
    tasks = parsed["tasks"]
    result.canonical_matched = sum(1 for task in tasks if task.get("canonical_criterion"))
    position = 0
    for want in expected["tasks"]:
        start = _norm(want["description_starts"])
        index = next(
            (i for i in range(position, len(tasks)) if _norm(tasks[i]["description"]).startswith(start)),
            None,
        )
        if index is None:
            result.task_errors.append(f"not found: [{want['criterion_code']}] {want['description_starts']}")
            continue
        position = index + 1
        task = tasks[index]
        result.found += 1
        if (task.get("criterion_code") or "") == (want["criterion_code"] or ""):
            result.right_code += 1
        else:
            result.task_errors.append(
                f"code: [{want['criterion_code']}] {want['description_starts'][:40]} → {task.get('criterion_code')}"
            )
        if _units(task.get("lead_units") or []) == _units(want["lead_units"]):
            result.right_leads += 1
        else:
            result.task_errors.append(f"leads: {want['lead_units']} → {task.get('lead_units')}")
        canonical = task.get("canonical_criterion")
        if (canonical or {}).get("code") == want.get("canonical"):
            result.right_canonical += 1
    return result

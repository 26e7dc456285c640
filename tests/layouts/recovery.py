"""What the import got back from a rendered plan, against the plan: tasks found, with the right
criterion code and framework, with the right lead units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from chiso.documents.evaluation import _norm, _units
from tests.layouts.plans import Plan
from tests.layouts.render import Layout


@dataclass
class Recovery:
    expected: int = 0
    found: int = 0
    code_framework: int = 0
    leads: int = 0
    extra: int = 0  # parsed tasks that are no task of the plan
    errors: list[str] = field(default_factory=list)

    def add(self, other: Recovery) -> None:
        self.expected += other.expected
        self.found += other.found
        self.code_framework += other.code_framework
        self.leads += other.leads
        self.extra += other.extra

    def rate(self, value: int) -> float:
        return value / self.expected if self.expected else 1.0


def recover(plan: Plan, layout: Layout, parsed: dict) -> Recovery:
    tasks = parsed["tasks"]
    result = Recovery(expected=len(plan.tasks))
    position = 0
    for want in plan.tasks:
        start = _norm(want.text)[:40]
        index = next(
            (i for i in range(position, len(tasks)) if _norm(tasks[i]["description"]).startswith(start)), None
        )
        if index is None:
            result.errors.append(f"not found: [{want.framework} {want.criterion.code}] {want.text[:50]}")
            continue
        result.extra += index - position
        position = index + 1
        task = tasks[index]
        result.found += 1
        code = want.criterion.dimension_code if layout.mode == "prose" else want.criterion.code
        if task.get("criterion_code") == code and task.get("framework") == want.framework:
            result.code_framework += 1
        else:
            result.errors.append(
                f"code: [{want.framework} {code}] {want.text[:40]} → [{task.get('framework')} {task.get('criterion_code')}]"
            )
        if _units(task.get("lead_units") or []) == _units(want.leads):
            result.leads += 1
        else:
            result.errors.append(f"leads: {want.leads} → {task.get('lead_units')}")
    result.extra += len(tasks) - position
    return result


def by_family(results: list[tuple[Layout, Recovery]]) -> dict[str, Recovery]:
    families: dict[str, Recovery] = defaultdict(Recovery)
    for layout, recovery in results:
        families[layout.family].add(recovery)
    return dict(sorted(families.items()))


def report(results: list[tuple[Layout, Recovery]]) -> str:
    total = Recovery()
    lines = [
        f"{'layout family':40} {'layouts':>7} {'tasks':>6} {'found':>7} {'code+fw':>8} {'leads':>7} {'extra':>6}"
    ]
    counts: dict[str, int] = defaultdict(int)
    for layout, _ in results:
        counts[layout.family] += 1
    for family, r in by_family(results).items():
        total.add(r)
        lines.append(
            f"{family:40} {counts[family]:>7} {r.expected:>6} {100 * r.rate(r.found):6.1f}% {100 * r.rate(r.code_framework):7.1f}%"
            f" {100 * r.rate(r.leads):6.1f}% {r.extra:>6}"
        )
    lines.append(
        f"{'all':40} {len(results):>7} {total.expected:>6} {100 * total.rate(total.found):6.1f}% "
        f"{100 * total.rate(total.code_framework):7.1f}% {100 * total.rate(total.leads):6.1f}% {total.extra:>6}"
    )
    return "\n".join(lines)

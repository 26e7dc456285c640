"""The generated layouts: every choice of a layout (format, header depth, columns and their
names and order, group and continuation rows, appendices, prose variants) and its plan.

    cases(count) -> [(layout, plan)]   # from the fixed seed list SEEDS: the same on every run
    strategy()                          # the same choices drawn by Hypothesis, for property tests
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

from hypothesis import strategies as st

from tests.layouts.plans import Plan, sample_plan, synthetic_plan
from tests.layouts.render import Layout, _merge_leads_consistent

CODE_COLUMNS = [None, "TT", "STT", "Số TT", "Mã", "Mã tiêu chí"]
TASK_COLUMNS = ["Nhiệm vụ", "Nội dung", "Nội dung nhiệm vụ", "Nhiệm vụ, giải pháp", "Nhiệm vụ trọng tâm"]
CRITERION_COLUMNS = [
    "Tiêu chí",
    "Nội dung thành phần",
    "Tiêu chí thành phần",
    "Chỉ số nội dung/Tiêu chí thành phần",
    "Lĩnh vực/Tiêu chí",
]
LEAD_NAMES = ["Đơn vị chủ trì", "Cơ quan chủ trì", "Chủ trì", "Đơn vị chủ trì thực hiện"]
PARTNER_NAMES = ["Đơn vị phối hợp", "Cơ quan phối hợp", "Phối hợp", "Đơn vị phối hợp thực hiện"]
TIME_NAMES = ["Thời gian thực hiện", "Thời gian hoàn thành", "Thời hạn", "Tiến độ thực hiện"]
TARGET_NAMES = ["Chỉ tiêu", "Chỉ tiêu cần đạt", "Mục tiêu"]
OUTPUT_NAMES = ["Kết quả/sản phẩm", "Sản phẩm đầu ra", "Kết quả dự kiến"]
UNIT_GROUPS = ["Phân công thực hiện", "Phân công nhiệm vụ", "Trách nhiệm thực hiện"]
PROSE_LEADS = [
    "Đơn vị chủ trì",
    "Cơ quan chủ trì",
    "Chủ trì thực hiện",
    "Đơn vị chịu trách nhiệm thực hiện",
    "Đơn vị thực hiện",
]
PROSE_PARTNERS = ["Đơn vị phối hợp", "Phối hợp", "Cơ quan phối hợp"]
FORMATS_ALL = ("docx", "tsv", "pipe", "flat", "pdf")
_ORDERS = list(itertools.permutations(["target", "output", "units", "time", "note"]))
FRAMEWORK_SETS = [
    ["PAPI"],
    ["PAR_INDEX"],
    ["PAR_INDEX", "SIPAS", "PAPI", "DDCI"],
    ["PAR_INDEX", "PAPI"],
    ["SIPAS", "DDCI"],
    ["PAPI", "DDCI"],
]


def build(choose, rng: random.Random, formats=FORMATS_ALL) -> tuple[Layout, Plan]:
    """A layout and its plan from `choose(options)` (one of the options) and a random source for
    the plan's content: Hypothesis or a seeded `random.Random` supplies both."""
    fmt = choose(list(formats))
    mode = choose(["appendix", "appendix", "appendix", "combined", "prose"])
    kinds = choose(FRAMEWORK_SETS)
    from_sample = mode != "prose" and choose(range(6)) == 0
    task_column = mode == "prose" or from_sample or choose(range(4)) > 0
    depth = choose([1, 2, 3])
    order = list(choose([tuple(p) for p in _ORDERS]))
    keep = [p for p in order if p in ("units", "time") or choose([True, False])]
    names = {
        "lead": choose(LEAD_NAMES),
        "partner": choose(PARTNER_NAMES),
        "time": choose(TIME_NAMES),
        "target": choose(TARGET_NAMES),
        "output": choose(OUTPUT_NAMES),
        "note": "Ghi chú",
        "unit_group": choose(UNIT_GROUPS),
        "prose_lead": choose(PROSE_LEADS),
        "prose_partner": choose(PROSE_PARTNERS),
    }
    if depth == 3:  # the top group spans the units and the time, side by side
        keep = [p for p in keep if p not in ("units", "time")]
        keep.insert(choose(range(len(keep) + 1)), "units")
        keep.insert(keep.index("units") + 1, "time")
    layout = Layout(
        fmt=fmt if mode != "prose" or fmt != "flat" else "tsv",
        mode=mode,
        depth=depth,
        code_column=choose(CODE_COLUMNS),
        task_column=choose(TASK_COLUMNS) if task_column else None,
        criterion_column=choose(CRITERION_COLUMNS),
        criterion_style=choose(["column", "column", "row"]) if task_column else "column",
        criterion_text=choose(["code", "tieu_chi", "tc", "name"]),
        group_style=choose(["roman", "linh_vuc", "chi_so", "arabic"]),
        group_span=choose([True, False]),
        group_lead=choose(range(4)) == 0,
        order=tuple(keep),
        names=names,
        split_time=depth >= 2 and choose([True, False]),
        merge_leads=choose([True, False]),
        continuation=task_column and choose([True, False]),
        numbers_row=choose(range(4)) == 0,
        repeat_header=choose([0, 0, 6, 9]),
        prose_labels=choose(["same", "next"]),
        prose_marker=choose(["(1)", "1.", "-", "+"]),
    )
    if from_sample:
        plan = sample_plan(rng)
        layout = replace(layout, mode="appendix")
    else:
        plan = synthetic_plan(rng, kinds, task_column=bool(layout.task_column))
    if layout.merge_leads:
        _merge_leads_consistent(plan, rng)
    return layout, plan


@st.composite
def strategy(draw, formats=FORMATS_ALL) -> tuple[Layout, Plan]:
    """Hypothesis draws every choice (and the plan's random source): for property tests."""
    rng = draw(st.randoms(use_true_random=False))
    return build(lambda options: draw(st.sampled_from(list(options))), rng, formats)


SEEDS = range(1000, 1000 + 400)


def cases(count: int = 240, formats=FORMATS_ALL, seeds=SEEDS) -> list[tuple[Layout, Plan]]:
    """`count` layouts from the fixed seed list: the same corpus on every run; layout i
    reproduces alone with `build_seeded(SEEDS[i])`."""
    return [build_seeded(seed, formats) for seed in list(seeds)[:count]]


def build_seeded(seed: int, formats=FORMATS_ALL) -> tuple[Layout, Plan]:
    rng = random.Random(seed)
    return build(lambda options: rng.choice(list(options)), random.Random(seed * 7919), formats)

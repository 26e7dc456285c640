"""What each column of a task table holds, read from its header by meaning, accent-insensitively.

"Đơn vị chủ trì (theo dõi)", "Cơ quan chủ trì", "Chủ trì" are all the lead unit; "Kết quả",
"Sản phẩm", "Kết quả/sản phẩm" the expected output; "Chỉ số nội dung/Tiêu chí thành phần" a
criterion column whose level the row number tells. A table is a task table when it has a task
column and a unit or time column.
"""

from __future__ import annotations

import re

from chiso.core.text import fold

NUMBER = "number"
DIMENSION = "dimension"  # chỉ số nội dung, lĩnh vực
SUBDIMENSION = "subdimension"  # nội dung thành phần, tiêu chí thành phần
CRITERION = "criterion"  # a column holding both, or "Tiêu chí"/"Chỉ số" alone
TASK = "task"
TARGET = "target"
OUTPUT = "output"
LEAD = "lead"
PARTNER = "partner"
IMPLEMENTER = "implementer"  # "Đơn vị thực hiện": partner when a lead column exists, else lead
TIME = "time"
START = "start"  # "Bắt đầu" under "Thời gian": the time column then is the completion ("Hoàn thành")
NOTE = "note"
POINTS = "points"
UNITS = "units"  # "Đơn vị chủ trì, phối hợp" in one column

ROLES = (
    NUMBER,
    DIMENSION,
    SUBDIMENSION,
    CRITERION,
    TASK,
    TARGET,
    OUTPUT,
    LEAD,
    PARTNER,
    IMPLEMENTER,
    TIME,
    START,
    NOTE,
    POINTS,
    UNITS,
)


def role_of(header: str) -> str | None:
    """The role of one header cell, or None when it names nothing known."""
    h = fold(header)
    h = re.sub(r"[\s/|\-–,;:()\[\]*]+", " ", h).strip()
    if not h:
        return None
    words = h.split()
    if h in {
        "tt",
        "stt",
        "so tt",
        "so thu tu",
        "thu tu",
        "ma so",
        "so",
        "ma",
        "ma tieu chi",
        "ma so tieu chi",
    } or (len(words) <= 2 and words[0] in {"tt", "stt"}):
        return NUMBER
    if re.search(r"\bbat dau\b", h):
        return START
    if re.search(r"\b(hoan thanh|ket thuc)\b$", h) and len(words) <= 4:
        return TIME
    if "chu tri" in h and "phoi hop" in h:
        return UNITS
    if "chu tri" in h or h in {"don vi phu trach", "co quan phu trach", "nguoi phu trach", "phu trach"}:
        return LEAD
    if "phoi hop" in h:
        return PARTNER
    if re.search(
        r"\b(thoi gian|thoi han|tien do|moc thoi gian|han hoan thanh|thoi diem|moc hoan thanh)\b", h
    ):
        return TIME
    if re.search(r"\b(phan cong|trach nhiem)\b", h) and "chu tri" not in h:
        return IMPLEMENTER
    if re.search(
        r"\b(don vi|co quan|bo phan|trach nhiem)\b.*\bthuc hien\b|\bthuc hien\b.*\b(don vi|co quan)\b", h
    ) or h in {
        "don vi",
        "co quan",
        "don vi thuc hien",
    }:
        return IMPLEMENTER
    if "ghi chu" in h:
        return NOTE
    if re.search(r"\bdiem\b", h) and len(words) <= 4:
        return POINTS
    if re.search(r"\b(san pham|ket qua|hinh thuc van ban|minh chung)\b", h):
        return OUTPUT
    if re.search(r"\b(chi tieu|muc tieu|yeu cau can dat|gia tri can dat)\b", h) and "thanh phan" not in h:
        return TARGET
    if re.search(
        r"\b(nhiem vu|giai phap|cong viec|hoat dong|bien phap|noi dung thuc hien|noi dung cong viec|noi dung nhiem vu)\b",
        h,
    ):
        return TASK
    has_dimension = bool(
        re.search(r"\b(chi so noi dung|linh vuc|chi so thanh phan|noi dung chi so|chi so)\b", h)
    )
    has_sub = bool(re.search(r"\b(thanh phan|tieu chi)\b", h))
    if has_dimension and has_sub and ("chi so noi dung" in h or "linh vuc" in h) and h.count(" ") >= 4:
        return CRITERION
    if "thanh phan" in h or re.search(r"\btieu chi\b", h):
        return SUBDIMENSION if not has_dimension or "chi so thanh phan" in h else CRITERION
    if has_dimension:
        return DIMENSION
    if h in {"noi dung", "noi dung chinh"}:
        return TASK  # settled against the other columns in `map_header`
    return None


def map_header(texts: list[str]) -> dict[int, str]:
    """Column index → role for a header row (several header rows joined per column)."""
    roles: dict[int, str] = {}
    for index, text in enumerate(texts):
        role = role_of(text)
        if role:
            roles[index] = role
    # "Nội dung" is the task unless another column is the task, in which case it is the dimension.
    task_columns = [i for i, r in roles.items() if r == TASK]
    if len(task_columns) > 1:
        for index in task_columns:
            if fold(texts[index]).strip() in {"noi dung", "noi dung chinh"}:
                roles[index] = DIMENSION
    # "Đơn vị thực hiện" is the partner when a lead column exists, else the lead.
    has_lead = any(r in (LEAD, UNITS) for r in roles.values())
    for index, role in list(roles.items()):
        if role == IMPLEMENTER:
            roles[index] = PARTNER if has_lead else LEAD
    # Two columns with the same role: keep the first (a second "Kết quả" is usually a note).
    seen: set[str] = set()
    for index in sorted(roles):
        role = roles[index]
        if role in seen and role not in (PARTNER, TIME):
            roles[index] = NOTE
        seen.add(role)
    return roles


def is_task_header(roles: dict[int, str]) -> bool:
    """A task table: a task column, or (an appendix listing the index's criteria, each row a task)
    a criterion column; and a unit or time column."""
    values = set(roles.values())
    if TASK in values:
        return bool(values & {LEAD, PARTNER, UNITS, TIME, TARGET, OUTPUT}) and len(values) >= 3
    return (
        bool(values & {CRITERION, SUBDIMENSION, DIMENSION})
        and bool(values & {LEAD, UNITS})
        and len(values) >= 3
    )


def header_score(texts: list[str]) -> int:
    """How many cells of a row read as known column names."""
    return sum(1 for text in texts if text and len(text) < 80 and role_of(text))

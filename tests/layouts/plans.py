"""Plans as structured data: what an appendix or a prose section says, before any layout.

Synthetic plans draw criteria from the frameworks' reference data (data/frameworks/,
data/indices/papi_structure.csv); the PAR INDEX, SIPAS and DDCI sub-criteria below are test data
written in the way plans print them (the catalogue holds only their fields). Sample-derived plans
take the tasks of the hand-written expectations of the three sample plans (tests/data/import).
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FRAMEWORK_TITLES = {
    "PAPI": ["Chỉ số PAPI", "Chỉ số Hiệu quả quản trị và hành chính công (PAPI)"],
    "PAR_INDEX": ["Chỉ số cải cách hành chính (PAR INDEX)", "Chỉ số CCHC", "Chỉ số PAR INDEX"],
    "SIPAS": ["Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "Chỉ số SIPAS"],
    "DDCI": ["Chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương (DDCI)", "Chỉ số DDCI"],
}
# Sub-criteria as plans print them (test data; the catalogue holds the fields only).
_SUB = {
    "PAR_INDEX": {
        "1": [
            "Kế hoạch cải cách hành chính năm",
            "Báo cáo cải cách hành chính",
            "Kiểm tra công tác cải cách hành chính",
            "Tuyên truyền cải cách hành chính",
            "Sáng kiến trong cải cách hành chính",
        ],
        "2": [
            "Xây dựng và ban hành văn bản quy phạm pháp luật",
            "Theo dõi thi hành pháp luật",
            "Kiểm tra, rà soát văn bản quy phạm pháp luật",
        ],
        "3": [
            "Công bố, công khai thủ tục hành chính",
            "Thực hiện cơ chế một cửa, một cửa liên thông",
            "Kết quả giải quyết hồ sơ thủ tục hành chính",
            "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính",
        ],
        "4": [
            "Thực hiện quy định về chức năng, nhiệm vụ của cơ quan",
            "Quản lý biên chế",
            "Thực hiện phân cấp quản lý",
        ],
        "5": [
            "Vị trí việc làm và cơ cấu ngạch công chức",
            "Tuyển dụng, bố trí, sử dụng công chức",
            "Đào tạo, bồi dưỡng cán bộ, công chức",
            "Kỷ luật, kỷ cương hành chính",
        ],
        "6": ["Quản lý, sử dụng ngân sách nhà nước", "Tự chủ tài chính của đơn vị sự nghiệp công lập"],
        "7": [
            "Hạ tầng công nghệ thông tin",
            "Cung cấp dịch vụ công trực tuyến",
            "Thanh toán trực tuyến",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        ],
        "8": [
            "Mức độ hài lòng của người dân, tổ chức",
            "Tác động đến phát triển kinh tế - xã hội của địa phương",
        ],
    },
    "SIPAS": {
        "1": ["Cơ sở vật chất của Bộ phận Một cửa", "Thông tin hướng dẫn tại nơi tiếp nhận hồ sơ"],
        "2": ["Thủ tục hành chính được niêm yết công khai", "Thành phần hồ sơ phải nộp đúng quy định"],
        "3": ["Thái độ giao tiếp của công chức", "Công chức hướng dẫn đầy đủ, dễ hiểu"],
        "4": ["Kết quả đúng quy định", "Thời gian trả kết quả đúng hẹn"],
        "5": ["Bố trí hình thức tiếp nhận góp ý, phản ánh", "Xử lý và phản hồi kịp thời góp ý, phản ánh"],
    },
    "DDCI": {
        "1": ["Công khai thông tin quy hoạch, kế hoạch", "Cung cấp tài liệu cho doanh nghiệp"],
        "2": ["Lãnh đạo đối thoại với doanh nghiệp", "Sáng tạo trong giải quyết vướng mắc"],
        "3": [
            "Thời gian giải quyết thủ tục hành chính cho doanh nghiệp",
            "Số lần thanh tra, kiểm tra doanh nghiệp",
        ],
        "4": ["Chi phí không chính thức khi làm thủ tục", "Nhũng nhiễu khi giải quyết thủ tục"],
        "5": ["Đối xử bình đẳng giữa các doanh nghiệp"],
        "6": ["Hỗ trợ doanh nghiệp khởi nghiệp", "Tổ chức hội nghị xúc tiến đầu tư"],
        "7": ["Giải quyết khiếu nại của doanh nghiệp"],
        "8": ["Ứng dụng công nghệ thông tin trong giải quyết thủ tục"],
        "9": ["Thời gian giao đất, cho thuê đất", "Giải phóng mặt bằng"],
    },
}


@dataclass(frozen=True)
class Criterion:
    framework: str
    code: str  # "1", "1.3", "1.3.2"
    name: str
    dimension_code: str
    dimension_name: str


@dataclass
class PlanTask:
    """One task as the plan means it. `description` None: the criterion row is the task."""

    criterion: Criterion
    description: str | None
    leads: list[str]
    partners: list[str] = field(default_factory=list)
    time: str = ""
    target: str = ""
    output: str = ""
    note: str = ""

    @property
    def framework(self) -> str:
        return self.criterion.framework

    @property
    def text(self) -> str:
        """What the import should give as the task's text."""
        return self.description if self.description is not None else self.criterion.name


@dataclass
class Plan:
    name: str
    frameworks: list[str]  # in the order of the appendices
    tasks: list[PlanTask]
    year: int = 2023
    task_column: bool = True  # False: the appendices list criteria, each row a task

    def by_framework(self) -> list[tuple[str, list[PlanTask]]]:
        return [(kind, [t for t in self.tasks if t.framework == kind]) for kind in self.frameworks]


@cache
def criteria(framework: str) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(dimension code, dimension name, ((criterion code, name), …)) of a framework."""
    if framework == "PAPI":
        dims: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        with (ROOT / "data/indices/papi_structure.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not row["years_in_use"].endswith(("2024", "-")):
                    continue
                code = row["dimension_code"].lstrip("D")
                if not row["subdimension_code"]:
                    dims[code] = (row["name_vi"], [])
                else:
                    dims[code][1].append(
                        (row["subdimension_code"], row["name_vi"].replace(" (wording unverified)", ""))
                    )
        return tuple((code, name, tuple(subs)) for code, (name, subs) in dims.items())
    kind = {"PAR_INDEX": ("PAR_INDEX", "QD1150"), "SIPAS": ("SIPAS", "2017"), "DDCI": ("DDCI", "2019")}[
        framework
    ]
    data = json.loads((ROOT / "data/frameworks/other_frameworks.json").read_text(encoding="utf-8"))
    version = next(
        v for f in data["frameworks"] if f["kind"] == kind[0] for v in f["versions"] if v["code"] == kind[1]
    )
    out = []
    for item in version["criteria"]:
        name = item["name_vi"].split(" (")[0]
        subs = tuple((f"{item['code']}.{k}", sub) for k, sub in enumerate(_SUB[framework][item["code"]], 1))
        out.append((item["code"], name, subs))
    return tuple(out)


LEADS = [
    "Phòng Nội vụ",
    "Phòng Tư pháp",
    "Văn phòng HĐND và UBND huyện",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Văn hóa và Thông tin",
    "Phòng Kinh tế và Hạ tầng",
    "Phòng Giáo dục và Đào tạo",
    "Thanh tra huyện",
    "Công an huyện",
    "Trung tâm Văn hóa, Thể thao và Truyền thông",
    "UBND các xã, thị trấn",
]
PARTNERS = [
    "Các cơ quan, đơn vị liên quan",
    "UBND các xã, thị trấn",
    "Chi cục Thuế khu vực",
    "Bảo hiểm xã hội huyện",
    "Bưu điện huyện",
    "Điện lực huyện",
    "Hiệp hội doanh nghiệp huyện",
    "Ủy ban MTTQ Việt Nam huyện",
    "Phòng Nội vụ",
    "Phòng Tư pháp",
]
TIMES = [
    "Thường xuyên",
    "Quý II/{y}",
    "Quý III/{y}",
    "6 tháng cuối năm {y}",
    "Trước ngày 15/10/{y}",
    "Năm {y}",
    "Tháng 6/{y}",
    "Trước ngày 30/11/{y}",
]
TARGETS = [
    "100% các xã, thị trấn",
    "≥ 95% hồ sơ đúng hạn",
    "Ít nhất 01 đợt/năm",
    "100% phản ánh được xử lý",
    "Tăng 5% so với năm trước",
]
OUTPUTS = [
    "Kế hoạch",
    "Báo cáo kết quả",
    "Quyết định",
    "Văn bản chỉ đạo",
    "Hình ảnh, bài đăng trên cổng thông tin",
]
NOTES = ["", "", "Nhiệm vụ trọng tâm", "Lồng ghép", "Theo kế hoạch của tỉnh"]
VERBS = [
    "Tổ chức tuyên truyền, phổ biến",
    "Rà soát, đánh giá và khắc phục hạn chế về",
    "Xây dựng kế hoạch nâng cao",
    "Kiểm tra, giám sát việc thực hiện",
    "Đẩy mạnh ứng dụng công nghệ thông tin trong",
    "Công khai kết quả thực hiện",
    "Tập huấn cho cán bộ, công chức về",
    "Tiếp nhận, xử lý kiến nghị của người dân về",
]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def synthetic_plan(
    rng: random.Random, frameworks: list[str], *, task_column: bool = True, name: str = "synthetic"
) -> Plan:
    """A plan over `frameworks`: for each, a few dimensions, their criteria (sometimes the
    dimension itself, sometimes a third-level criterion) and one to three tasks each."""
    tasks: list[PlanTask] = []
    year = rng.choice([2022, 2023, 2024])
    used: set[str] = set()
    for kind in frameworks:
        dims = list(criteria(kind))
        chosen = sorted(rng.sample(dims, k=min(len(dims), rng.randint(2, 4))), key=lambda d: int(d[0]))
        for dim_code, dim_name, subs in chosen:
            picks = sorted(rng.sample(list(subs), k=min(len(subs), rng.randint(1, 3))), key=lambda s: s[0])
            for code, name in picks:
                if rng.random() < 0.15:
                    code, name = f"{code}.{rng.randint(1, 3)}", f"{name} ở cấp xã"
                criterion = Criterion(kind, code, name, dim_code, dim_name)
                count = 1 if not task_column else rng.choice([1, 1, 2, 3])
                for _ in range(count):
                    description = None
                    if task_column:
                        for _attempt in range(20):
                            description = f"{rng.choice(VERBS)} {_lower_first(name)}"
                            if rng.random() < 0.4:
                                description += f" trên địa bàn huyện năm {year}"
                            if description not in used:
                                break
                            description += f" (đợt {rng.randint(2, 9)})"
                        used.add(description)
                    leads = rng.sample(LEADS, k=1 if rng.random() < 0.85 else 2)
                    partners = [p for p in rng.sample(PARTNERS, k=rng.randint(0, 2)) if p not in leads]
                    tasks.append(
                        PlanTask(
                            criterion,
                            description,
                            leads,
                            partners,
                            rng.choice(TIMES).format(y=year),
                            rng.choice(TARGETS) if rng.random() < 0.7 else "",
                            rng.choice(OUTPUTS) if rng.random() < 0.7 else "",
                            rng.choice(NOTES),
                        )
                    )
    return Plan(name, list(frameworks), tasks, year, task_column)


@cache
def _sample_expectations() -> tuple[tuple[str, tuple[dict, ...]], ...]:
    folder = ROOT / "tests" / "data" / "import"
    out = []
    for path in sorted(folder.glob("*.expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append((data["sample"], tuple(data["tasks"])))
    return tuple(out)


def sample_plan(rng: random.Random) -> Plan:
    """A sample's PAPI tasks (criterion code, lead units, the start of the text) as a plan."""
    name, tasks = rng.choice(_sample_expectations())
    papi = {code: (dname, dict(subs)) for code, dname, subs in criteria("PAPI")}
    out = []
    year = {"vi-xuyen-2021-plan": 2021, "moc-chau-2022-plan": 2022}.get(name, 2024)
    for task in tasks:
        code = task["criterion_code"] or ""
        dim = code.split(".")[0]
        if not code or dim not in papi:
            continue
        dim_name, subs = papi[dim]
        crit_name = subs.get(code, f"Nội dung thành phần {code}") if "." in code else dim_name
        criterion = Criterion("PAPI", code, crit_name, dim, dim_name)
        description = task["description_starts"].rstrip(" ,;") + " theo kế hoạch đã ban hành"
        out.append(
            PlanTask(
                criterion,
                description,
                list(task["lead_units"]) or rng.sample(LEADS, 1),
                rng.sample(PARTNERS, k=rng.randint(0, 1)),
                rng.choice(TIMES).format(y=year),
                rng.choice(TARGETS),
                "",
                "",
            )
        )
    return Plan(f"sample:{name}", ["PAPI"], out, year)

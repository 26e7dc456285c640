"""`make bench`: every benchmark, printing figures (medians over repeated runs).

Runs against DATABASE_URL when set (PostgreSQL), else a throw-away SQLite database under var/bench/.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

BENCH_MODULES = ["bench.search_bench", "bench.import_bench", "bench.monitoring_bench", "bench.scores_bench"]


def median_ms(function: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def setup_django() -> str:
    if not os.environ.get("DATABASE_URL"):
        folder = Path(__file__).resolve().parent.parent / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "bench.sqlite3"
        for stale in folder.glob("bench.sqlite3*"):  # a fresh database each run: migrations may have changed
            stale.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    from django.core.management import get_commands

    if "load_frameworks" in get_commands():
        call_command("load_frameworks", verbosity=0)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def main() -> int:
    database = setup_django()
    print(f"chiso benchmarks on {database}")
    for name in BENCH_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        print(f"\n== {name}")
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

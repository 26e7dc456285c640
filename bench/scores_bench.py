"""Index results: loading the provincial PAPI results, analytics of one province, queries per call."""

import time

from bench.run import median_ms


def run() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chiso.core.actors import system_actor
    from chiso.frameworks.models import Framework
    from chiso.scores.analytics import unit_results
    from chiso.scores.reference import load_scores
    from chiso.units.lookup import find_unit

    started = time.perf_counter()
    report = load_scores(actor=system_actor())
    print(f"load_scores first run: {time.perf_counter() - started:6.2f} s  ({report.summary()})")
    started = time.perf_counter()
    load_scores(actor=system_actor())
    print(f"load_scores second run (nothing to change): {time.perf_counter() - started:6.2f} s")
    papi = Framework.objects.get(code="PAPI")
    for name in ["Thanh Hóa", "Tuyên Quang"]:
        unit = find_unit(name)
        with CaptureQueriesContext(connection) as queries:
            results = unit_results(unit, papi)
        ms = median_ms(lambda u=unit: unit_results(u, papi))
        label = "derived" if results.derived else "published"
        print(
            f"analytics {name:12} {results.year} ({label}, {len(results.years)} years, "
            f"{len(results.peers)} peers): median {ms:7.2f} ms, {len(queries)} queries"
        )

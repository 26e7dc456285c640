"""Monitoring and consolidation of a province-sized round: 80 communes and 20 departments, 100
tasks (each commune takes part in every task), two rounds, ~16,000 task progress rows.

Prints medians (bench.run.median_ms) of the monitoring page and of the consolidation (figures,
page, .docx and .xlsx exports) for the province coordinator. The data set is built once with
bulk_create and kept in the bench database.
"""

from bench.run import median_ms

TAG = "bench"


def _data():
    from chiso.plans.models import Plan
    from chiso.reporting.synthetic import build_synthetic

    plan = Plan.objects.filter(issuer__ref=f"synthetic:{TAG}:province").first()
    if plan is not None:
        return plan.issuer, plan, list(plan.reporting_rounds.order_by("number"))
    data = build_synthetic(communes=80, departments=20, tasks=100, tag=TAG)
    return data.province, data.plan, data.rounds


def run() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from chiso.reporting.consolidation import consolidate
    from chiso.reporting.export import export_bytes
    from chiso.reporting.models import TaskProgress, UnitReport
    from chiso.reporting.monitoring import round_monitoring
    from chiso.units.models import Membership

    province, plan, rounds = _data()
    rnd = rounds[0]
    progress = TaskProgress.objects.filter(report__round__plan=plan).count()
    reports = UnitReport.objects.filter(round__plan=plan).count()
    print(
        f"data: {province.children.count()} units, {plan.tasks.count()} tasks, {len(rounds)} rounds, "
        f"{reports} reports, {progress} task progress rows"
    )
    m = round_monitoring(rnd)
    print(
        f"round 1: {m.totals.expected} expected, {m.totals.submitted} sent, {m.totals.on_time} on time, "
        f"{m.counts.total} unit-task pairs, {m.counts.overdue} overdue"
    )

    user, _ = get_user_model().objects.get_or_create(username="bench.monitoring")
    Membership.objects.get_or_create(user=user, unit=province, role="coordinator")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    ms = median_ms(lambda: round_monitoring(rnd))
    print(f"round_monitoring() figures          median {ms:8.2f} ms")
    ms = median_ms(lambda: page(f"/reporting/rounds/{rnd.pk}/"))
    print(f"monitoring page (province)          median {ms:8.2f} ms")
    ms = median_ms(lambda: page(f"/reporting/rounds/{rnd.pk}/units/{m.units[-1].unit.pk}/"))
    print(f"monitoring drill-down (one commune) median {ms:8.2f} ms")
    ms = median_ms(lambda: consolidate(rnd))
    print(f"consolidate() figures               median {ms:8.2f} ms")
    ms = median_ms(lambda: page(f"/reporting/rounds/{rnd.pk}/consolidation/"), repeat=7)
    print(f"consolidation page                  median {ms:8.2f} ms")
    ms = median_ms(lambda: page(f"/api/reporting/rounds/{rnd.pk}/monitoring/"), repeat=7)
    print(f"monitoring API                      median {ms:8.2f} ms")
    c = consolidate(rnd)
    ms = median_ms(lambda: export_bytes(c, "xlsx"), repeat=3, warmup=1)
    print(f"consolidated .xlsx export           median {ms:8.2f} ms")
    ms = median_ms(lambda: export_bytes(c, "docx"), repeat=3, warmup=1)
    print(
        f"consolidated .docx export           median {ms:8.2f} ms ({len(export_bytes(c, 'docx')) // 1024} KB)"
    )

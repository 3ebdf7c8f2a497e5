"""Weekly report benchmark (issue 6): time and peak memory of the weekly PDF for a province.

Data (PostgreSQL, a database whose name contains "bench"):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench6 \\
        .venv/bin/python bench/gen_checkins.py --reset --districts 27 --checkpoints 2000 \\
        --days 21 --checkins 3000000 --persons 300000
    BENCH_DATABASE_URL=... .venv/bin/python bench/weekly_report.py --seed-taskforce
    BENCH_DATABASE_URL=... .venv/bin/python bench/weekly_report.py --runs 3 --write-doc

``--seed-taskforce`` adds a year of task-force activity (the demo decision and 16 members,
52 weekly meetings with conclusions, ~600 assignments in every status, ~120 proposals, a usage
report per reporting organization per week). Each measured run is a fresh process (so its peak
RSS is its own): it collects the figures, renders the HTML, writes the PDF (WeasyPrint) and the
Excel file, as ``reports.services.report_generate`` does. In the same invocation, the HTML of
the last run is rendered again straight by WeasyPrint in another fresh process, without any
data work: the floor the data work stands on. Goal: under 10 s and under 500 MB.
"""

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BASE_DIR, bench_env, git_commit, machine, setup_django, uptime

HTML_PATH = BASE_DIR / "var" / "bench" / "weekly-report.html"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _week() -> tuple[datetime.date, datetime.date]:
    from reports.services import last_week

    return last_week()


def measure_once() -> dict[str, float]:
    """One weekly report, as the worker produces it, timed stage by stage."""
    setup_django()
    from reports import data, render
    from reports.models import Report, Section

    start, end = _week()
    report = Report(kind=Report.Kind.WEEKLY, number="BENCH", period_start=start, period_end=end, version=1)
    t0 = time.perf_counter()
    ctx, sections = data.collect(
        period_start=start, period_end=end, unit_ids=[], sections=list(Section.values)
    )
    t1 = time.perf_counter()
    html = render.render_html(report=report, ctx=ctx, sections=sections)
    t2 = time.perf_counter()
    pdf = render.html_to_pdf(html)
    t3 = time.perf_counter()
    xlsx = render.render_xlsx(ctx=ctx, sections=sections)
    t4 = time.perf_counter()
    pdf_path = HTML_PATH.parent / "weekly-report.pdf"
    HTML_PATH.parent.mkdir(parents=True, exist_ok=True)
    HTML_PATH.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    scans = next(t for s in sections for t in s.tables if t.key == "adoption_by_district").rows[-1][5]
    return {
        "collect_s": t1 - t0,
        "html_s": t2 - t1,
        "pdf_s": t3 - t2,
        "xlsx_s": t4 - t3,
        "total_s": t4 - t0,
        "peak_rss_mb": peak_rss_mb(),
        "pdf_bytes": len(pdf),
        "pages": pages,
        "xlsx_bytes": len(xlsx),
        "scans_in_week": scans,
    }


def pdf_only() -> dict[str, float]:
    """The same HTML straight through WeasyPrint: no database, no figures."""
    setup_django()
    from reports import render

    html = HTML_PATH.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    pdf = render.html_to_pdf(html)
    return {"pdf_s": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb(), "pdf_bytes": len(pdf)}


def seed_taskforce() -> None:
    """A year of task-force activity on top of the generated province (idempotent)."""
    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from core.models import Organization
    from taskforce.models import Assignment, Conclusion, Meeting, Member, Proposal, UsageReport

    call_command("demo_data", allow_production=True, quiet_logins=True)
    if Meeting.objects.filter(title__startswith="[bench]").exists():
        print("task force year already seeded")
        return
    rng = random.Random(6)
    members = list(Member.objects.all())
    leader = next(m for m in members if m.role == "leader")
    orgs = list(Organization.objects.all())
    now = timezone.now()
    meetings = [
        Meeting(
            kind=Meeting.Kind.PERIODIC,
            title=f"[bench] Họp giao ban tuần {week}",
            starts_at=now - datetime.timedelta(weeks=week, hours=2),
            ends_at=now - datetime.timedelta(weeks=week, hours=1),
            chair=leader,
            status=Meeting.Status.HELD,
            minutes="Biên bản (dữ liệu benchmark).",
        )
        for week in range(1, 53)
    ]
    Meeting.objects.bulk_create(meetings)
    conclusions = [
        Conclusion(meeting=m, order=i, text=f"Kết luận {i} (benchmark)") for m in meetings for i in range(3)
    ]
    Conclusion.objects.bulk_create(conclusions)
    statuses = [s for s, _label in Assignment.Status.choices]
    assignments = []
    for index in range(600):
        created = now - datetime.timedelta(days=rng.randint(0, 365))
        status = statuses[index % len(statuses)]
        on_member = index % 3 == 0
        assignments.append(
            Assignment(
                title=f"[bench] Nhiệm vụ {index}",
                assignee_member=rng.choice(members) if on_member else None,
                assignee_organization=None if on_member else rng.choice(orgs),
                assigned_by=leader,
                due_on=(created + datetime.timedelta(days=rng.randint(3, 30))).date(),
                status=status,
                created_at=created,
                completed_at=(created + datetime.timedelta(days=5))
                if status == Assignment.Status.DONE
                else None,
                progress=100 if status == Assignment.Status.DONE else rng.randint(0, 90),
            )
        )
    Assignment.objects.bulk_create(assignments)
    proposal_statuses = [s for s, _label in Proposal.Status.choices]
    proposals = []
    for index in range(120):
        decided = bool(index % len(proposal_statuses))  # the first status is "open"
        proposals.append(
            Proposal(
                title=f"[bench] Đề xuất {index}",
                body="Nội dung đề xuất (benchmark).",
                submitted_by=rng.choice(members),
                submitted_at=now - datetime.timedelta(days=rng.randint(0, 365)),
                status=proposal_statuses[index % len(proposal_statuses)],
                decided_by=leader if decided else None,
                decided_at=now - datetime.timedelta(days=rng.randint(0, 30)) if decided else None,
            )
        )
    Proposal.objects.bulk_create(proposals)
    from taskforce.selectors import period_bounds, reporting_organizations

    reporters = list(reporting_organizations())
    reports = []
    for week in range(1, 53):
        start, end = period_bounds(timezone.localdate() - datetime.timedelta(weeks=week))
        for org in reporters:
            if rng.random() < 0.15:
                continue  # some agencies do not report
            staff = rng.randint(20, 400)
            reports.append(
                UsageReport(
                    organization=org,
                    period_start=start,
                    period_end=end,
                    staff_count=staff,
                    staff_with_app=rng.randint(0, staff),
                    checkpoints_registered=rng.randint(0, 10),
                    scans_in_period=rng.randint(0, 5000),
                    problems="Thiếu thiết bị quét (benchmark)." if rng.random() < 0.2 else "",
                )
            )
    UsageReport.objects.bulk_create(reports, ignore_conflicts=True)
    print(
        f"seeded: {len(meetings)} meetings, {len(conclusions)} conclusions, {len(assignments)} assignments, "
        f"120 proposals, {len(reports)} usage reports"
    )


def _child(flag: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, flag],
        cwd=BASE_DIR,
        env=bench_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def data_size() -> dict[str, int]:
    setup_django()
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for label, table in (
            ("check-ins", "checkpoints_checkin"),
            ("checkpoints", "checkpoints_checkpoint"),
            ("meetings", "taskforce_meeting"),
            ("assignments", "taskforce_assignment"),
            ("proposals", "taskforce_proposal"),
            ("usage reports", "taskforce_usagereport"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[label] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM core_administrativeunit WHERE level = 'district' AND parent_id = "
            "(SELECT id FROM core_administrativeunit "
            "WHERE level = 'province' AND code = '38' AND scheme = '2021')"
        )
        sizes["districts"] = cursor.fetchone()[0]
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed-taskforce", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-doc", action="store_true")
    parser.add_argument("--measure-once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pdf-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_once:
        print(json.dumps(measure_once()))
        return
    if args.pdf_only:
        print(json.dumps(pdf_only()))
        return
    if args.seed_taskforce:
        seed_taskforce()
        return

    sizes = data_size()
    runs = [_child("--measure-once") for _ in range(args.runs)]
    floor = _child("--pdf-only")
    totals = [r["total_s"] for r in runs]
    median = statistics.median(totals)
    worst_rss = max(r["peak_rss_mb"] for r in runs)
    lines = [
        "",
        "## Weekly report (issue 6)",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; git commit `{git_commit()}`",
        f"- Machine: {machine()}; load: `{uptime()}`",
        f"- Database: PostgreSQL ({os.environ.get('BENCH_DATABASE_URL', 'portal_bench')}); one process, "
        "as one Celery worker runs it (no concurrency)",
        "- Data: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()) + "; report for last week "
        f"({runs[-1]['scans_in_week']:,} scans in it), {runs[-1]['pages']} pages, "
        f"PDF {runs[-1]['pdf_bytes'] // 1024} KB, Excel {runs[-1]['xlsx_bytes'] // 1024} KB",
        f"- Command: `bench/weekly_report.py --runs {args.runs}` "
        "(each run a fresh process; peak RSS per process)",
        "",
        "| Run | collect s | HTML s | PDF s | Excel s | total s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for index, r in enumerate(runs, 1):
        lines.append(
            f"| {index} | {r['collect_s']:.2f} | {r['html_s']:.2f} | {r['pdf_s']:.2f} | {r['xlsx_s']:.2f} "
            f"| {r['total_s']:.2f} | {r['peak_rss_mb']:.0f} |"
        )
    lines += [
        f"| floor: same HTML straight through WeasyPrint | — | — | {floor['pdf_s']:.2f} | — | "
        f"{floor['pdf_s']:.2f} | {floor['peak_rss_mb']:.0f} |",
        "",
        f"Median total {median:.2f} s ({median / floor['pdf_s']:.1f}× the WeasyPrint-only floor), "
        f"peak {worst_rss:.0f} MB. Goal: under 10 s and under 500 MB: "
        + ("**met**." if median < 10 and worst_rss < 500 else "**missed**."),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write_doc:
        with (BASE_DIR / "docs" / "benchmarks.md").open("a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()

"""Reviewer assignment at city scale: E experts × A applications, 5 reviewers each.

Run on a scratch database (it creates its own rows):
    DATABASE_URL=sqlite:////tmp/tm_bench_challenges.sqlite3 .venv/bin/python \
        benchmarks/challenges_assign.py --experts 500 --applications 60
Prints the median of 3 runs of `reviewers_assign` and the number of SQL queries.
"""

# ruff: noqa: E402
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")

import django

django.setup()

# Django must be set up before models are imported.
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from techmarket.accounts.models import Membership, Organisation, User
from techmarket.challenges import services
from techmarket.challenges.models import (
    Application,
    ApplicationParty,
    Challenge,
    ReviewAssignment,
)
from techmarket.core.demo import make_uscc
from techmarket.experts.models import ExpertConflict, ExpertProfile

KEYWORDS = ["涂层", "高温合金", "机器人", "储能", "软件", "传感器", "催化", "育种"]


def build(n_experts: int, n_apps: int) -> Challenge:
    rng = random.Random(5)
    orgs = [
        Organisation.objects.create(
            name=f"单位{i}", type="university", uscc=make_uscc("12", "120116", 60000000 + i),
            region_code="120116", contact_name="x", contact_phone="1", status="verified",
        )
        for i in range(n_apps * 2 + 50)
    ]  # fmt: skip
    staff = User.objects.create_user(username="bench_staff", password=None)
    Membership.objects.create(user=staff, organisation=orgs[0], role="bureau_staff")
    for i in range(n_experts):
        expert = ExpertProfile.objects.create(
            name=f"专家{i}", organisation=rng.choice(orgs), fields=[rng.choice(["04", "08"])],
            keywords=rng.sample(KEYWORDS, 3), status="verified",
        )  # fmt: skip
        if i % 10 == 0:
            ExpertConflict.objects.create(expert=expert, organisation=rng.choice(orgs))
    challenge = Challenge.objects.create(
        title="基准榜单", task="涂层 高温合金", field="04", keywords=["涂层", "高温合金"],
        application_deadline=timezone.now() - timedelta(days=1),
        completion_deadline=timezone.now().date(), government_amount=Decimal(10**6),
        status="under_review", created_by=staff, reviewers_per_application=5,
    )  # fmt: skip
    for i in range(n_apps):
        lead, member = orgs[2 * i + 1], orgs[2 * i + 2]
        app = Application.objects.create(
            challenge=challenge, lead=lead, submitted_by=staff, technical_plan="x"
        )
        for org, role in ((lead, "lead"), (member, "member")):
            ApplicationParty.objects.create(
                application=app, challenge=challenge, organisation=org, role=role
            )
    return challenge


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=500)
    parser.add_argument("--applications", type=int, default=60)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    challenge = build(args.experts, args.applications)
    staff = User.objects.get(username="bench_staff")
    timings, queries = [], 0
    for _ in range(3):
        ReviewAssignment.objects.all().delete()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            report = services.reviewers_assign(actor=staff, challenge=challenge)
        timings.append(time.perf_counter() - start)
        queries = len(captured)
    print(f"database: {connection.vendor}")
    print(f"experts: {args.experts}, applications: {args.applications}, reviewers each: 5")
    print(f"assigned: {report.assigned}, shortfalls: {len(report.shortfalls)}")
    print(f"reviewers_assign median: {statistics.median(timings):.3f} s, queries: {queries}")


if __name__ == "__main__":
    main()

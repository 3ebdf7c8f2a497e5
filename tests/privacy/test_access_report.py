"""The monthly access report (issue 15 point 10): who read whose personal data, why, and who read
far more than their peers; aggregated in the database; a page, CSV and Excel; a monthly task
that tells the data-protection officers through the gateway."""

import csv
import datetime
import io

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.audit import audit, audit_read
from core.models import AuditLog, OutboundMessage, Person
from core.roles import Role
from privacy import selectors, services
from privacy.models import AccessReport
from privacy.tasks import monthly_access_report
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db

THIS_MONTH = timezone.localdate().replace(day=1)


def _reads(user, count: int, ids_per_read: int = 1, purpose: str = "truy vết ca F0") -> None:
    for i in range(count):
        audit_read(actor=user, target=Person, ids=[i * 10 + k for k in range(ids_per_read)], purpose=purpose)


@pytest.fixture
def officer(make_user):
    return make_user(Role.DATA_PROTECTION_OFFICER, province_wide=True)


@pytest.fixture
def readers(make_user, province):
    epis = [make_user(Role.EPIDEMIOLOGIST, province_wide=True) for _ in range(4)]
    for epi in epis[:3]:
        _reads(epi, 10)  # 10 records each
    _reads(epis[3], 20, ids_per_read=5)  # 100 records: 10 × the peers' median
    lonely = make_user(Role.DISTRICT_OFFICIAL, province_wide=True)
    _reads(lonely, 2, ids_per_read=40, purpose="admin: đối chiếu")  # 80, but no peer to compare
    return epis, lonely


def test_reads_are_counted_per_official_and_purpose_and_the_outlier_is_flagged(readers):
    epis, lonely = readers
    # Not reads by officials: a write, a read by the system; a search that found nobody.
    with transaction.atomic():
        audit(actor=SYSTEM, action="person.create", target="core.person", target_ids=[1])
    audit_read(actor=SYSTEM, target=Person, ids=[5], purpose="hệ thống")
    audit_read(actor=epis[0], target=Person, ids=["none"], purpose="truy vết ca F0")
    # Last month's read is not this month's.
    AuditLog.objects.create(
        at=timezone.now() - datetime.timedelta(days=40),
        actor=epis[1],
        action="person.read",
        target_type="core.person",
        target_id="7",
        reason="cũ",
    )
    data = selectors.access_report_data(THIS_MONTH)
    by_user = {o["user_id"]: o for o in data["officials"]}
    assert set(by_user) == {e.pk for e in epis} | {lonely.pk}
    assert by_user[epis[0].pk]["reads"] == 11 and by_user[epis[0].pk]["records"] == 10
    assert by_user[epis[3].pk]["records"] == 100
    assert by_user[epis[3].pk]["flagged"] and by_user[epis[3].pk]["flagged_in"] == [Role.EPIDEMIOLOGIST]
    assert by_user[epis[3].pk]["peer_medians"] == {Role.EPIDEMIOLOGIST: 10}
    assert not any(by_user[e.pk]["flagged"] for e in epis[:3])
    assert not by_user[lonely.pk]["flagged"] and by_user[lonely.pk]["peer_medians"] == {}
    assert data["flagged"] == 1
    purposes = {(r["user_id"], r["purpose"]): r for r in data["rows"]}
    assert purposes[(lonely.pk, "admin: đối chiếu")]["records"] == 80
    assert data["officials"][0]["user_id"] == epis[3].pk  # flagged first


def test_the_rule_is_a_setting(readers):
    with override_settings(ACCESS_REPORT_OUTLIER_FACTOR=12.0):
        assert selectors.access_report_data(THIS_MONTH)["flagged"] == 0
    with override_settings(ACCESS_REPORT_MIN_RECORDS=101):
        assert selectors.access_report_data(THIS_MONTH)["flagged"] == 0
    with override_settings(ACCESS_REPORT_OUTLIER_FACTOR=2.0, ACCESS_REPORT_MIN_RECORDS=5):
        assert selectors.access_report_data(THIS_MONTH)["flagged"] == 1


def test_the_aggregation_runs_in_the_database(readers, django_assert_max_num_queries):
    """A constant number of queries, however many reads: grouped by the database."""
    with django_assert_max_num_queries(4):
        selectors.access_report_data(THIS_MONTH)
    epis, _lonely = readers
    _reads(epis[0], 50)
    with django_assert_max_num_queries(4):
        selectors.access_report_data(THIS_MONTH)


def test_the_monthly_task_makes_the_report_and_tells_the_officers_once(readers, officer, make_user):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=officer.pk).update(email="dpo@example.invalid")
    pk = monthly_access_report(THIS_MONTH.isoformat())
    report = AccessReport.objects.get(pk=pk)
    assert report.month == THIS_MONTH and report.flagged == 1
    assert report.rule == {"factor": 3.0, "min_records": 50}
    monthly_access_report(THIS_MONTH.isoformat())  # again: replaced, not told twice
    assert AccessReport.objects.count() == 1
    sent = OutboundMessage.objects.filter(purpose=f"access_report:{THIS_MONTH:%Y-%m}")
    assert [m.recipient for m in sent] == ["dpo@example.invalid"]
    assert "1 trường hợp cần xem xét" in sent[0].body
    assert AuditLog.objects.filter(action="access_report.generate").count() == 2


def test_the_month_just_ended_by_default_and_no_future_month(officer):
    pk = monthly_access_report()
    expected = (THIS_MONTH - datetime.timedelta(days=1)).replace(day=1)
    assert AccessReport.objects.get(pk=pk).month == expected
    assert AuditLog.objects.filter(action="access_report.undelivered").exists()  # nobody had an e-mail
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.access_report_generate(actor=officer, month=THIS_MONTH + datetime.timedelta(days=40))


def test_page_and_exports(client, readers, officer):
    epis, _lonely = readers
    client.force_login(officer)
    response = client.post(reverse("privacy:access-reports"), {"month": THIS_MONTH.isoformat()})
    report = AccessReport.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("privacy:access-report", kwargs={"pk": report.pk})).content.decode()
    assert epis[3].username in page and "truy vết ca F0" in page
    text = client.get(reverse("privacy:access-report-export", kwargs={"pk": report.pk, "fmt": "csv"}))
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Tài khoản" and rows[1][0] == epis[3].username and rows[1][-1] == "x"
    xlsx = client.get(reverse("privacy:access-report-export", kwargs={"pk": report.pk, "fmt": "xlsx"}))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Can bo"]["A2"].value == epis[3].username
    detail = client.get(
        reverse("privacy:access-report-export", kwargs={"pk": report.pk, "fmt": "chi-tiet.csv"})
    )
    lines = list(csv.reader(io.StringIO(b"".join(detail.streaming_content).decode("utf-8-sig"))))
    heavy = [line for line in lines[1:] if line[1] == epis[3].username]
    assert len(heavy) == 20 and heavy[0][4] == "0 1 2 3 4"
    # Every export is itself a logged read.
    assert AuditLog.objects.filter(action="accessreport.read", actor=officer).count() == 3
    assert (
        client.get(
            reverse("privacy:access-report-export", kwargs={"pk": report.pk, "fmt": "pdf"})
        ).status_code
        == 404
    )


def test_a_district_scoped_officer_sees_no_report(client, make_user, dong_son, readers):
    report = services.access_report_generate(actor=SYSTEM, month=THIS_MONTH)
    scoped = make_user(Role.DATA_PROTECTION_OFFICER, units=[dong_son])
    client.force_login(scoped)
    assert client.get(reverse("privacy:access-report", kwargs={"pk": report.pk})).status_code == 404
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.access_report_generate(actor=scoped, month=THIS_MONTH)

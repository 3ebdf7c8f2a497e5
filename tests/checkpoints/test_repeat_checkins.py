"""Issue 13 point 1: the same person checked in again at the same checkpoint is the same visit
(within ``CHECKIN_REPEAT_MINUTES``: nothing stored, answered as "already checked in at HH:MM"), a
later check-in closes the earlier visit, and tracing counts people, not rows. Staff, self and
paper paths here (SQLite and PostgreSQL); the express statement in ``test_express.py``."""

import datetime
import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from checkpoints import selectors
from checkpoints.models import CheckIn
from tests.checkpoints.conftest import at, visit
from tests.checkpoints.test_views import form_data, url

pytestmark = pytest.mark.django_db

PAYLOAD = "038085000001||Nguyễn Văn An|12031985|Nam|Thôn 1, Đông Sơn|15042021"


def _hhmm(row: CheckIn) -> str:
    return timezone.localtime(row.checked_in_at).strftime("%H:%M")


def test_a_chip_card_scanned_three_times_is_one_visit(client, checkpoint, operator):
    client.force_login(operator)
    scan = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    said = []
    for _ in range(3):
        response = client.post(scan, {"payload": PAYLOAD, "direction": "in", "submission": str(uuid.uuid4())})
        said.append([str(m) for m in get_messages(response.wsgi_request)][-1])  # the latest
    row = CheckIn.objects.get()
    assert row.method == CheckIn.Method.STAFF
    assert f"đã vào lúc {_hhmm(row)}: cùng lượt vào, không ghi thêm" in said[1]
    assert said[1] == said[2] and "Đã ghi nhận vào" in said[0]


def test_a_self_check_in_repeated_is_answered_as_the_same_visit(client, checkpoint):
    first = client.post(url(checkpoint), form_data())
    again = client.post(url(checkpoint), form_data())  # a new submission a moment later
    row = CheckIn.objects.get()
    assert "again=1" not in first["Location"] and again["Location"].endswith("?again=1")
    text = client.get(again["Location"]).content.decode()
    assert f"Bạn đã vào lúc {_hhmm(row)}: lần quét này là cùng lượt vào, không ghi thêm." in text


def test_staff_scan_after_a_self_check_in_is_the_same_visit(client, checkpoint, operator):
    visit(checkpoint, at=at(10 / 60))
    client.force_login(operator)
    scan = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    client.post(scan, {"payload": PAYLOAD, "direction": "in", "submission": str(uuid.uuid4())})
    assert CheckIn.objects.get().method == CheckIn.Method.SELF


def test_a_later_self_check_in_closes_the_earlier_visit(client, checkpoint):
    earlier = visit(checkpoint, at=at(40 / 60))[0]
    assert earlier.checked_out_at > timezone.now()  # still open (60 minutes by default)
    client.post(url(checkpoint), form_data())
    later = CheckIn.objects.exclude(pk=earlier.pk).get()
    earlier.refresh_from_db()
    assert earlier.checked_out_at == later.checked_in_at
    assert earlier.checkout_method == CheckIn.Checkout.NEXT_CHECKIN


@override_settings(CHECKIN_REPEAT_MINUTES=5)
def test_the_window_is_a_setting(client, checkpoint):
    visit(checkpoint, at=at(10 / 60))
    client.post(url(checkpoint), form_data())
    assert CheckIn.objects.count() == 2


def test_paper_forms_of_the_same_visit_keyed_twice(client, checkpoint, operator):
    client.force_login(operator)
    paper = reverse("checkpoints:paper", kwargs={"pk": checkpoint.pk})
    when = timezone.localtime() - datetime.timedelta(hours=3)
    data = form_data(visited_at=when.strftime("%Y-%m-%dT%H:%M"))
    client.post(paper, data)
    later = (when + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(paper, {**data, "visited_at": later, "submission": str(uuid.uuid4())})
    row = CheckIn.objects.get()
    assert row.method == CheckIn.Method.PAPER
    assert (
        f"đã vào lúc {_hhmm(row)}: cùng lượt vào" in [str(m) for m in get_messages(response.wsgi_request)][-1]
    )


def test_tracing_counts_people_not_rows(client, checkpoint, epidemiologist):
    case = visit(checkpoint, at=at(3))[0]
    # Rows stored before this fix: one contact scanned twice, 40 minutes apart.
    for hours in (3, 3 - 40 / 60):
        visit(checkpoint, at=at(hours), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    CheckIn.objects.filter(person__full_name="Lê Văn Bình").update(
        checked_out_at=timezone.now() - datetime.timedelta(hours=1)
    )
    result = selectors.trace_case(
        epidemiologist, person_id=case.person_id, start=at(24), end=timezone.now(), min_overlap=15
    )
    assert len(result.contacts) == 2 and result.contact_count == 1
    client.force_login(epidemiologist)
    posted = client.post(
        reverse("checkpoints:trace"),
        {
            "id_number": "038085000001",
            "start": (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "end": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "min_overlap": "15",
            "purpose": "Ca F0",
        },
    )
    assert "phút (1)" in client.get(posted["Location"]).content.decode()

"""Silent checkpoints are named where officials act (issue 13, point 5)."""

import datetime
import logging

from django.test import override_settings
from django.utils import timezone

from checkpoints import selectors
from checkpoints.models import CheckinDailyStat, Checkpoint
from checkpoints.tasks import notify_silent
from core import services as core_services
from core.models import AuditLog, OutboundMessage
from core.roles import Role
from tests.actors import SYSTEM
from tests.checkpoints.conftest import at, make_checkpoint, visit


def _world(agency, dong_son):
    no_email = core_services.organization_create(
        actor=SYSTEM, name="Chợ Đông Sơn", kind="business", unit=dong_son
    )
    scanned_long_ago = make_checkpoint(agency, name="Cổng phụ")
    never = make_checkpoint(no_email, name="Cổng chợ")
    purged = make_checkpoint(agency, name="Nhà khách")
    busy = make_checkpoint(agency, name="Cổng chính")
    Checkpoint.objects.update(decided_at=timezone.now() - datetime.timedelta(days=60))
    visit(scanned_long_ago, at=at(24 * 5), id_number="", phone="0900000301")
    visit(busy, at=at(2), id_number="", phone="0900000302")
    # Its check-ins are past retention: only the daily roll-up remembers the last day.
    CheckinDailyStat.objects.create(checkpoint=purged, day=datetime.date(2026, 1, 9), total=2, self_scanned=2)
    return scanned_long_ago, never, purged, no_email


@override_settings(SILENT_CHECKPOINT_DAYS=3)
def test_silent_checkpoints_are_named_with_agency_ward_and_last_scan(agency, dong_son):
    scanned_long_ago, *_rest = _world(agency, dong_son)
    rows = {r["name"]: r for r in selectors.silent_checkpoints_named(user=None)}
    assert set(rows) == {"Cổng phụ", "Cổng chợ", "Nhà khách"}
    assert rows["Cổng phụ"]["organization"] == agency.name and rows["Cổng phụ"]["organization_reachable"]
    assert rows["Cổng phụ"]["unit"] == scanned_long_ago.unit.name
    assert rows["Cổng phụ"]["last_scan"] is not None and rows["Cổng phụ"]["last_scan"] < at(24 * 3)
    assert rows["Cổng chợ"]["last_scan"] is None and rows["Cổng chợ"]["last_day"] is None
    assert not rows["Cổng chợ"]["organization_reachable"]
    assert rows["Nhà khách"]["last_day"] == datetime.date(2026, 1, 9)


@override_settings(SILENT_CHECKPOINT_DAYS=3)
def test_the_checkpoint_list_names_silent_checkpoints(client, make_user, agency, dong_son):
    _world(agency, dong_son)
    client.force_login(make_user(Role.TASKFORCE_LEADER, province_wide=True))
    page = client.get("/portal/checkpoints/").content.decode()
    silent_part = page.split("Tất cả điểm kiểm dịch")[0]
    for name in ("Cổng phụ", "Cổng chợ", "Nhà khách", "Chợ Đông Sơn", "09/01/2026"):
        assert name in silent_part
    assert "Cổng chính" not in silent_part
    assert "Không nhắc được: cơ quan chưa có email liên hệ" in silent_part


@override_settings(SILENT_CHECKPOINT_DAYS=3)
def test_an_agency_without_email_is_reported_unreachable_not_skipped(agency, dong_son, caplog):
    _, _, _, no_email = _world(agency, dong_son)
    with caplog.at_level(logging.WARNING, logger="checkpoints.tasks"):
        assert notify_silent() == 1  # the agency with an email
    assert OutboundMessage.objects.filter(purpose="checkpoint.silent").count() == 1
    assert "Chợ Đông Sơn" in caplog.text and "unreachable" in caplog.text
    row = AuditLog.objects.get(action="checkpoint.silent")
    assert row.details["unreachable_organizations"] == [no_email.pk]

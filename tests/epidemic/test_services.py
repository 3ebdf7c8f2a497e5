"""The weekly computation, the declared level and its notification, capacity and thresholds
through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditLog
from core.roles import Role
from epidemic import selectors, services
from epidemic.models import DeclaredLevel, LevelAssessment
from tests.actors import SYSTEM
from tests.epidemic.conftest import WEEK, add_cases, set_population

pytestmark = pytest.mark.django_db


def test_compute_counts_community_cases_of_the_week_up_the_tree(province, dong_son, sam_son, ds_ward):
    set_population(dong_son, 100_000)
    set_population(province, 4_000_000)
    add_cases(ds_ward, WEEK, 15)
    add_cases(ds_ward, WEEK + datetime.timedelta(days=6), 5)  # Sunday: still the week
    add_cases(ds_ward, WEEK + datetime.timedelta(days=7), 50)  # next Monday: not this week
    add_cases(ds_ward, WEEK, 30, found_in="quarantine")  # found in quarantine: not counted
    result = services.levels_compute(actor=SYSTEM, week_start=WEEK + datetime.timedelta(days=3))
    assert result["week"] == WEEK
    ds = LevelAssessment.objects.get(unit=dong_son, week_start=WEEK)
    assert (ds.cases, ds.rate, ds.level) == (20, Decimal("20.00"), 2)  # exactly 20: level 2
    assert ds.reasons[0] == {
        "criterion": "cases",
        "cases": 20,
        "rate": "20.00",
        "thresholds": ["20.00", "50.00", "150.00"],
        "level": 2,
    }
    ward = LevelAssessment.objects.get(unit=ds_ward, week_start=WEEK)
    assert ward.cases == 20 and ward.level is None  # the ward has no population figure
    assert LevelAssessment.objects.get(unit=province, week_start=WEEK).cases == 20
    assert LevelAssessment.objects.get(unit=sam_son, week_start=WEEK).cases == 0
    # Again: the week's proposals are replaced, not added.
    services.levels_compute(actor=SYSTEM, week_start=WEEK)
    assert LevelAssessment.objects.filter(unit=dong_son).count() == 1


def test_compute_uses_the_rules_in_force_at_the_end_of_the_week(province, dong_son, ds_ward):
    set_population(dong_son, 100_000)
    add_cases(ds_ward, WEEK, 12)
    services.rules_set(
        actor=SYSTEM, effective_from=WEEK + datetime.timedelta(days=6), rate_level2=Decimal(10)
    )
    services.levels_compute(actor=SYSTEM, week_start=WEEK)
    assert LevelAssessment.objects.get(unit=dong_son, week_start=WEEK).level == 2
    services.levels_compute(actor=SYSTEM, week_start=WEEK - datetime.timedelta(days=7))
    assert selectors.rules_in_force(WEEK).rate_level2 == Decimal(20)  # the earlier week: old rules


def test_capacity_missing_does_not_raise_and_entered_shortage_does(province, dong_son, make_user):
    set_population(dong_son, 100_000)
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    services.capacity_record(actor=official, unit=dong_son, week_start=WEEK, beds=100, beds_occupied=95)
    services.levels_compute(actor=SYSTEM, week_start=WEEK)
    row = LevelAssessment.objects.get(unit=dong_son, week_start=WEEK)
    assert row.level == 2 and row.capacity_met is False
    assert row.reasons[2]["checks"][0]["check"] == "bed_occupancy"


def test_capacity_is_scoped_and_checked(province, dong_son, sam_son, make_user):
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    with pytest.raises(PermissionDenied):
        services.capacity_record(actor=official, unit=sam_son, week_start=WEEK, beds=10)
    with pytest.raises(ValidationError):
        services.capacity_record(actor=official, unit=dong_son, week_start=WEEK, beds=10, beds_occupied=11)
    with pytest.raises(PermissionDenied):
        services.capacity_record(
            actor=make_user(Role.TASKFORCE_MEMBER, province_wide=True), unit=dong_son, week_start=WEEK, beds=1
        )
    row = services.capacity_record(
        actor=official, unit=dong_son, week_start=WEEK + datetime.timedelta(days=2), beds=1
    )
    assert row.week_start == WEEK  # any day names its week


def test_rules_are_versions_with_their_date_and_audited(province, make_user):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    with pytest.raises(ValidationError):
        services.rules_set(actor=epi, effective_from=WEEK, rate_level2=Decimal(60))  # above level 3's
    services.rules_set(actor=epi, effective_from=WEEK, older_age="65", verified=True)
    assert selectors.rules_in_force(WEEK).older_age == "65"
    assert selectors.rules_in_force(WEEK - datetime.timedelta(days=1)).older_age == "50"
    entry = AuditLog.objects.filter(action="epidemic.rules_set").latest("at")
    assert entry.details["before"]["older_age"] == "50" and entry.details["after"]["older_age"] == "65"
    with pytest.raises(PermissionDenied):
        services.rules_set(actor=make_user(Role.DISTRICT_OFFICIAL, units=[]), effective_from=WEEK)


def test_a_change_of_declared_level_tells_the_units_officials_once(
    province, dong_son, sam_son, make_user, django_capture_on_commit_callbacks
):
    def with_email(user, email):
        user.email = email
        user.save(update_fields=["email"])
        return user

    ours = with_email(make_user(Role.DISTRICT_OFFICIAL, units=[dong_son]), "ds@example.invalid")
    with_email(make_user(Role.DISTRICT_OFFICIAL, units=[sam_son]), "ss@example.invalid")
    chairman = with_email(make_user(Role.CHAIRMAN, province_wide=True), "ct@example.invalid")
    day = datetime.date(2026, 11, 20)

    def declare(level, effective_from, number):
        with django_capture_on_commit_callbacks(execute=True):
            return services.level_declare(
                actor=chairman,
                unit=dong_son,
                level=level,
                decision_number=number,
                decision_date=effective_from,
                effective_from=effective_from,
            )

    first = declare(2, day, "101/QĐ-UBND")
    first.refresh_from_db()
    assert first.changed and first.notified_at is not None
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["ct@example.invalid", "ds@example.invalid"]  # not Sầm Sơn's official
    assert "101/QĐ-UBND" in mail.outbox[0].body
    mail.outbox.clear()
    same = declare(2, day + datetime.timedelta(days=7), "102/QĐ-UBND")  # same level: no message
    assert not same.changed and mail.outbox == []
    declare(3, day + datetime.timedelta(days=14), "103/QĐ-UBND")
    assert len(mail.outbox) == 2
    # A retried task sends nothing more.
    from epidemic.tasks import notify_level_change

    assert notify_level_change(DeclaredLevel.objects.latest("effective_from").pk) == 0
    assert (
        selectors.declared_in_force(day + datetime.timedelta(days=8))[dong_son.pk].decision_number
        == "102/QĐ-UBND"
    )
    with pytest.raises(PermissionDenied):  # another district's official
        services.level_declare(
            actor=ours, unit=sam_son, level=1, decision_number="x", decision_date=day, effective_from=day
        )


def test_declaration_input_is_checked(province, dong_son):
    with pytest.raises(ValidationError) as caught:
        services.level_declare(
            actor=SYSTEM,
            unit=dong_son,
            level=5,
            decision_number=" ",
            decision_date=datetime.date(2026, 11, 20),
            effective_from=datetime.date(2026, 11, 19),
        )
    assert set(caught.value.message_dict) == {"level", "decision_number", "effective_from"}


def test_a_broker_down_at_declaration_is_notified_later_by_the_sweep_once(
    province, dong_son, make_user, settings, caplog, django_capture_on_commit_callbacks
):
    from unittest import mock

    from django.utils import timezone
    from kombu.exceptions import OperationalError as BrokerDown

    from core import services as core_services
    from core.models import OutboundMessage

    settings.STALLED_ALERT_SECONDS = 300
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    official.email = "ds@example.invalid"
    official.save(update_fields=["email"])
    with (
        mock.patch("epidemic.tasks.notify_level_change.delay", side_effect=BrokerDown("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        declared = services.level_declare(
            actor=SYSTEM,
            unit=dong_son,
            level=3,
            decision_number="5/QĐ",
            decision_date=WEEK,
            effective_from=WEEK,
        )
    assert "could not publish epidemic.tasks.notify_level_change" in caplog.text
    later = timezone.now() + datetime.timedelta(seconds=301)
    with django_capture_on_commit_callbacks(execute=True):
        first = core_services.stalled_work_resume(actor=SYSTEM, now=later)
    with django_capture_on_commit_callbacks(execute=True):
        second = core_services.stalled_work_resume(actor=SYSTEM, now=later)
    assert first == {"level_change": [declared.pk]} and second == {}
    assert OutboundMessage.objects.filter(purpose="epidemic.level_change").count() == 1


def test_the_weekly_job_proposes_the_week_that_ended(province, dong_son, settings):
    from unittest import mock

    from epidemic.tasks import compute_levels

    entry = settings.CELERY_BEAT_SCHEDULE["epidemic-levels"]
    assert entry["task"] == "epidemic.tasks.compute_levels"
    wednesday = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=wednesday):
        result = compute_levels()
    assert result["week"] == "2026-11-16"  # Monday to Sunday before this week
    assert LevelAssessment.objects.filter(week_start=WEEK, unit=dong_son).exists()

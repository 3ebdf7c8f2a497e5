"""Screening, the dose record's rules (interval, lot, order), observation, and the certificate."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates import selectors as certificate_selectors
from core import services as core_services
from core.models import AuditLog
from tests.actors import SYSTEM
from tests.core.fixtures import person_data
from tests.vaccination.conftest import ago, give, make_lot, screen, vaccine
from vaccination import services
from vaccination.models import Dose, Stock


def stock(site, lot):
    return Stock.objects.get(site=site, lot=lot).quantity


def test_the_checklist_gives_the_worst_outcome(person, site):
    assert screen(person, site).outcome == "eligible"
    assert screen(person, site, positive=["age_65"]).outcome == "caution"
    assert screen(person, site, positive=["age_65", "acute_illness"]).outcome == "postpone"
    assert screen(person, site, positive=["acute_illness", "anaphylaxis_prior"]).outcome == "contraindicated"
    with pytest.raises(ValidationError):
        screen(person, site, positive=["not_a_question"])


def test_a_dose_is_recorded_takes_stock_and_gives_the_next_due_date(person, site, lot, staff):
    dose = give(person, site, lot, actor=staff)
    assert dose.dose_number == 1 and dose.vaccine == lot.vaccine
    assert dose.vaccinator == staff and dose.vaccinator_name == "Lê Thị Hoa"
    # Vaxzevria: the second dose is due after the recommended 56 days.
    assert dose.next_due_date == timezone.localdate() + datetime.timedelta(days=56)
    assert dose.observation_minutes == 30
    assert stock(site, lot) == 99
    row = AuditLog.objects.get(action="dose.record")
    assert row.details["person_id"] == person.pk and row.actor == staff


def test_a_dose_before_the_minimum_interval_is_refused(person, site, lot):
    give(person, site, lot, at=ago(27))
    with pytest.raises(ValidationError, match="Chưa đủ khoảng cách tối thiểu 28 ngày"):
        give(person, site, lot, dose_number=2)
    assert Dose.objects.filter(person=person).count() == 1
    assert stock(site, lot) == 99  # nothing taken for the refused dose


def test_a_dose_on_the_minimum_interval_is_accepted(person, site, lot):
    give(person, site, lot, at=ago(28))
    second = give(person, site, lot, dose_number=2)
    # The primary series is complete: a booster is due after the booster interval.
    assert second.next_due_date == timezone.localdate() + datetime.timedelta(days=90)


def test_a_booster_waits_its_own_interval(person, site, lot):
    give(person, site, lot, at=ago(200))
    give(person, site, lot, dose_number=2, at=ago(80))
    with pytest.raises(ValidationError, match="90 ngày"):
        give(person, site, lot, dose_number=3)


def test_a_dose_number_that_does_not_follow_is_refused(person, site, lot):
    with pytest.raises(ValidationError, match="mũi tiếp theo là mũi 1"):
        give(person, site, lot, dose_number=2)
    give(person, site, lot, at=ago(60))
    with pytest.raises(ValidationError, match="mũi tiếp theo là mũi 2"):
        give(person, site, lot, dose_number=3)


def test_expired_recalled_and_absent_lots_are_refused(person, site, other_site):
    expired = make_lot(number="EXP1", expires_in=1, site=site, quantity=10)
    type(expired).objects.filter(pk=expired.pk).update(
        expiry_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="hết hạn"):
        give(person, site, expired)
    recalled = make_lot(number="REC1", site=site, quantity=10)
    services.lot_recall(actor=SYSTEM, lot=recalled, reason="Thu hồi theo công văn")
    with pytest.raises(ValidationError, match="thu hồi"):
        give(person, site, recalled)
    elsewhere = make_lot(number="ELS1", site=other_site, quantity=10)
    with pytest.raises(ValidationError, match="không có tại điểm tiêm"):
        give(person, site, elsewhere)
    assert not Dose.objects.exists()


def test_a_screening_that_does_not_allow_it_blocks_the_dose(person, site, lot):
    screening = screen(person, site, positive=["acute_illness"])
    with pytest.raises(ValidationError, match="Tạm hoãn"):
        services.dose_record(
            actor=SYSTEM, person=person, site=site, lot=lot, dose_number=1, screening=screening
        )
    other = core_services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000077"))
    with pytest.raises(ValidationError, match="không phải của người này"):
        services.dose_record(
            actor=SYSTEM, person=other, site=site, lot=lot, dose_number=1, screening=screen(person, site)
        )


def test_a_one_dose_product_completes_the_series(person, site):
    janssen = make_lot(number="J1", name="Janssen", site=site, quantity=5)
    dose = give(person, site, janssen)
    assert dose.next_due_date == timezone.localdate() + datetime.timedelta(
        days=vaccine("Janssen").booster_min_interval_days
    )


def test_the_observation_ends_after_its_minimum(person, site, lot):
    dose = give(person, site, lot)
    with pytest.raises(ValidationError, match="Chưa đủ 30 phút"):
        services.observation_end(actor=SYSTEM, dose=dose)
    ended = services.observation_end(
        actor=SYSTEM, dose=dose, at=dose.administered_at + datetime.timedelta(minutes=31)
    )
    assert Dose.objects.get(pk=ended.pk).observation_ended_at is not None


def test_the_certificate_is_signed_for_the_latest_dose_and_verifies(
    person, site, lot, staff, province_trusted
):
    give(person, site, lot, at=ago(60), actor=staff)
    latest = give(person, site, lot, dose_number=2, actor=staff)
    certificate = services.dose_certificate_issue(actor=staff, dose=latest)
    result = certificate_selectors.certificate_verify(certificate.qr_text)
    assert result.valid, result
    assert result.summary is not None and result.summary.detail == "2/2"
    assert Dose.objects.get(pk=latest.pk).certificate == certificate
    first = Dose.objects.get(person=person, dose_number=1)
    with pytest.raises(ValidationError, match="mũi tiêm gần nhất"):
        services.dose_certificate_issue(actor=staff, dose=first)

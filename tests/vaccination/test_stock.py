"""Stock per site: receipts, transfers, wastage; never negative, also under concurrent use."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.http import Http404

from tests.actors import SYSTEM
from tests.vaccination.conftest import make_lot
from vaccination import services
from vaccination.models import Stock, StockMovement


def quantity(site, lot):
    return Stock.objects.get(site=site, lot=lot).quantity


def test_receipt_transfer_and_wastage_move_the_stock(site, other_site, lot):
    services.stock_transfer(actor=SYSTEM, source=site, target=other_site, lot=lot, quantity=30)
    services.stock_waste(actor=SYSTEM, site=site, lot=lot, quantity=2, reason="broken", note="rơi vỡ")
    assert quantity(site, lot) == 68
    assert quantity(other_site, lot) == 30
    kinds = sorted(StockMovement.objects.filter(lot=lot).values_list("kind", "quantity"))
    assert kinds == [("receipt", 100), ("transfer_in", 30), ("transfer_out", -30), ("wastage", -2)]


def test_taking_more_than_the_stock_is_refused_and_changes_nothing(site, other_site, lot):
    with pytest.raises(ValidationError, match="không còn đủ liều"):
        services.stock_transfer(actor=SYSTEM, source=site, target=other_site, lot=lot, quantity=101)
    with pytest.raises(ValidationError, match="không có tại điểm tiêm"):
        services.stock_waste(actor=SYSTEM, site=other_site, lot=lot, quantity=1, reason="broken")
    assert quantity(site, lot) == 100
    assert not Stock.objects.filter(site=other_site).exists()


def test_wastage_needs_a_reason_and_a_positive_quantity(site, lot):
    with pytest.raises(ValidationError):
        services.stock_waste(actor=SYSTEM, site=site, lot=lot, quantity=1, reason="")
    with pytest.raises(ValidationError):
        services.stock_waste(actor=SYSTEM, site=site, lot=lot, quantity=0, reason="broken")


def test_an_expired_or_recalled_lot_is_not_received(site):
    expired = make_lot(number="OLD1", expires_in=-1)
    with pytest.raises(ValidationError, match="hết hạn"):
        services.stock_receive(actor=SYSTEM, site=site, lot=expired, quantity=10)
    recalled = make_lot(number="BAD1")
    services.lot_recall(actor=SYSTEM, lot=recalled, reason="Công văn thu hồi")
    with pytest.raises(ValidationError, match="thu hồi"):
        services.stock_receive(actor=SYSTEM, site=site, lot=recalled, quantity=10)


def test_staff_move_stock_only_at_sites_in_their_units(staff, site, other_site, lot):
    services.stock_waste(actor=staff, site=site, lot=lot, quantity=1, reason="broken")
    services.stock_receive(actor=SYSTEM, site=other_site, lot=lot, quantity=5)
    with pytest.raises(Http404):
        services.stock_waste(actor=staff, site=other_site, lot=lot, quantity=1, reason="broken")
    assert quantity(other_site, lot) == 5


def test_the_database_refuses_a_negative_stock(site, lot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(site=site, lot=lot).update(quantity=-1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_use_never_takes_more_than_the_stock(dong_son, site):
    lot = make_lot(site=site, quantity=10)
    start = threading.Barrier(25, timeout=30)
    outcomes: list[str] = []

    def take() -> None:
        try:
            start.wait()
            services.stock_waste(actor=SYSTEM, site=site, lot=lot, quantity=1, reason="broken")
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except BaseException as exc:  # reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["ok"] * 10 + ["refused"] * 15
    assert quantity(site, lot) == 0
    assert StockMovement.objects.filter(lot=lot, kind="wastage").count() == 10

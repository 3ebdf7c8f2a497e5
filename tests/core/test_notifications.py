import pytest
from django.core import mail
from django.test import override_settings

from core import services
from core.models import AuditLog, OutboundMessage
from core.notifications import SmsBackend, TransientSendError
from tests.actors import SYSTEM

CALLS: list[tuple[str, str]] = []


class FlakySms(SmsBackend):
    """Fails the first time, like a provider's timeout, then succeeds."""

    def send(self, phone: str, text: str) -> None:
        CALLS.append((phone, text))
        if len(CALLS) == 1:
            raise TransientSendError("provider timeout")


class BrokenSms(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        raise ValueError("invalid number")


@pytest.mark.django_db
def test_email_is_recorded_sent_by_the_task_and_audited(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(
            actor=SYSTEM,
            channel="email",
            recipient="leader@example.invalid",
            subject="Họp Tổ công nghệ",
            body="Mời họp",
            purpose="meeting.invitation",
            attachment=("agenda.txt", b"1. Bao cao"),
        )
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["leader@example.invalid"]
    name = mail.outbox[0].attachments[0][0]
    assert name.startswith("agenda") and name.endswith(".txt")
    actions = list(AuditLog.objects.filter(target_id=str(message.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["message.queue", "message.send"]


@pytest.mark.django_db
@override_settings(SMS_BACKEND="tests.core.test_notifications.FlakySms")
def test_sms_is_retried_after_a_transient_failure():
    from core.tasks import deliver_message

    CALLS.clear()
    message = services.message_send(
        actor=SYSTEM, channel="sms", recipient="0912345678", body="Kết quả xét nghiệm", purpose="result"
    )
    # Run as the worker would; in eager mode Celery runs the scheduled retry inline.
    result = deliver_message.apply(args=(message.pk,), throw=False)
    assert result.state == "SUCCESS"
    message.refresh_from_db()
    assert len(CALLS) == 2
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 2
    assert AuditLog.objects.filter(action="message.fail", target_id=str(message.pk)).count() == 1
    # A third run (a duplicate delivery of the task) does not send again.
    deliver_message.apply(args=(message.pk,), throw=False)
    assert len(CALLS) == 2


@pytest.mark.django_db
@override_settings(SMS_BACKEND="tests.core.test_notifications.BrokenSms")
def test_permanent_failure_is_recorded_not_retried():
    from core.tasks import deliver_message

    message = services.message_send(actor=SYSTEM, channel="sms", recipient="0912", body="x", purpose="t")
    result = deliver_message.apply(args=(message.pk,), throw=False)
    assert result.state == "FAILURE"
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED and message.attempts == 1
    assert "invalid number" in message.last_error


@pytest.mark.django_db
def test_recipient_phone_is_encrypted_at_rest():
    from django.db import connection

    services.message_send(actor=SYSTEM, channel="sms", recipient="0912345678", body="x", purpose="t")
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient FROM core_outboundmessage")
        assert "0912345678" not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.message_send(
                    actor=SYSTEM, channel="email", recipient="a@example.invalid", body="x", purpose="t"
                )
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []
    assert not OutboundMessage.objects.exists()


class WatchingSms(SmsBackend):
    """Records whether a transaction is open on the database connection while sending."""

    seen: list[bool] = []

    def send(self, phone: str, text: str) -> None:
        from django.db import connection

        WatchingSms.seen.append(connection.in_atomic_block)


@pytest.mark.django_db(transaction=True)
@override_settings(SMS_BACKEND="tests.core.test_notifications.WatchingSms")
def test_no_transaction_is_open_while_the_gateway_sends():
    WatchingSms.seen = []
    message = services.message_send(
        actor=SYSTEM, channel="sms", recipient="0912345678", body="x", purpose="t"
    )
    WatchingSms.seen = []  # message_send delivers on commit (eager): count the explicit run only
    OutboundMessage.objects.filter(pk=message.pk).update(status=OutboundMessage.Status.QUEUED)
    services.message_deliver(message_id=message.pk)
    assert WatchingSms.seen == [False]
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT


class SlowSms(SmsBackend):
    """While sending, a duplicate delivery of the same message arrives."""

    calls = 0

    def send(self, phone: str, text: str) -> None:
        SlowSms.calls += 1
        if SlowSms.calls == 1:
            again = services.message_deliver(message_id=SlowSms.message_id)
            assert again.status == OutboundMessage.Status.SENDING

    message_id = 0


@pytest.mark.django_db(transaction=True)
@override_settings(SMS_BACKEND="tests.core.test_notifications.SlowSms")
def test_a_double_delivery_sends_once():
    message = OutboundMessage.objects.create(channel="sms", recipient="0912345678", body="x", purpose="t")
    SlowSms.calls, SlowSms.message_id = 0, message.pk
    services.message_deliver(message_id=message.pk)
    services.message_deliver(message_id=message.pk)  # a late duplicate of the task
    message.refresh_from_db()
    assert SlowSms.calls == 1
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 1
    assert AuditLog.objects.filter(action="message.send", target_id=str(message.pk)).count() == 1

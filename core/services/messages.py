"""Outbound messages (email, SMS): queue one, deliver it from the worker."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import (
    OutboundMessage,
)
from core.recovery import enqueue_on_commit
from core.services._common import Actor, SystemActor, user_of


def message_send(
    *,
    actor: Actor,
    channel: str,
    recipient: str,
    body: str,
    purpose: str,
    subject: str = "",
    attachment: tuple[str, bytes] | None = None,
) -> OutboundMessage:
    """Records a message and hands it to the worker after commit (``core.tasks.deliver_message``)."""
    from core.tasks import deliver_message

    if channel not in OutboundMessage.Channel.values:
        raise ValidationError(_("Kênh gửi không hợp lệ."))
    if not recipient.strip():
        raise ValidationError(_("Thiếu người nhận."))
    with transaction.atomic():
        message = OutboundMessage(
            channel=channel,
            recipient=recipient.strip(),
            subject=subject[:200],
            body=body,
            purpose=purpose,
            created_by=user_of(actor),
        )
        if attachment is not None:
            name, content = attachment
            message.attachment.save(name, ContentFile(content), save=False)
        message.save()
        audit(
            actor=actor,
            action="message.queue",
            target=message,
            details={"channel": channel, "purpose": purpose},
        )
        enqueue_on_commit(deliver_message, message.pk)
    return message


def message_deliver(*, message_id: int) -> OutboundMessage:
    """Sends one queued message through the gateway. Raises on a transient failure so the
    task retries; the attempt is recorded either way.

    No transaction or row lock is held while the gateway talks to SMTP or the SMS provider:
    the worker first claims the message (queued or failed → sending, a conditional UPDATE that
    only one delivery wins), sends, then records the outcome. A duplicate delivery of the task
    finds the message sending or sent and sends nothing."""
    from core.notifications import gateway

    Status = OutboundMessage.Status
    claimed = OutboundMessage.objects.filter(pk=message_id, status__in=[Status.QUEUED, Status.FAILED]).update(
        status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    message = OutboundMessage.objects.get(pk=message_id)
    if not claimed:
        return message  # sent, or being sent by another delivery
    error: Exception | None = None
    try:
        gateway.send(message)
    except Exception as exc:
        error = exc
        message.status = Status.FAILED
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    else:
        message.status = Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    with transaction.atomic():
        message.save(update_fields=["status", "sent_at", "last_error"])
        audit(
            actor=SystemActor("celery:deliver_message"),
            action="message.send" if error is None else "message.fail",
            target=message,
            details={"attempt": message.attempts},
        )
    if error is not None:
        raise error
    return message

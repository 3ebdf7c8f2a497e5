"""Outbound messages (email, SMS): queue one, deliver it from the worker."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import (
    OutboundMessage,
)
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
        deliver_message.delay_on_commit(message.pk)  # type: ignore[attr-defined]
    return message


def message_deliver(*, message_id: int) -> OutboundMessage:
    """Sends one queued message through the gateway. Raises on a transient failure so the
    task retries; the attempt is recorded either way."""
    from core.notifications import gateway

    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().get(pk=message_id)
        if message.status == OutboundMessage.Status.SENT:
            return message  # a retried task must not send twice
        message.attempts += 1
        error: Exception | None = None
        try:
            gateway.send(message)
        except Exception as exc:
            error = exc
            message.status = OutboundMessage.Status.FAILED
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        else:
            message.status = OutboundMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save()
        audit(
            actor=SystemActor("celery:deliver_message"),
            action="message.send" if error is None else "message.fail",
            target=message,
            details={"attempt": message.attempts},
        )
    if error is not None:
        raise error
    return message

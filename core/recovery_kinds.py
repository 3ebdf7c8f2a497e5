"""The core app's interrupted work (``core.recovery``): outbound messages left "sending"."""

from core.models import OutboundMessage
from core.recovery import Resumable, Undispatched, register, register_undispatched


def _deliver(message_id: int) -> None:
    from core.tasks import deliver_message

    deliver_message.delay(message_id)


# A message left "sending" may have reached the gateway before the worker died: resuming it
# can send it a second time (at least once), never zero times.
register(
    Resumable(
        name="message",
        model="core.OutboundMessage",
        running=OutboundMessage.Status.SENDING,
        back_to=OutboundMessage.Status.QUEUED,
        time_field="claimed_at",
        setting="STALLED_MESSAGE_SECONDS",
        enqueue=_deliver,
    )
)

# A message whose delivery task was never published (the broker was down at commit) stays
# "queued": past the same time it is enqueued again; the delivery's claim sends it once.
register_undispatched(
    Undispatched(
        name="message",
        model="core.OutboundMessage",
        pending=lambda before: OutboundMessage.objects.filter(
            status=OutboundMessage.Status.QUEUED, created_at__lt=before
        ),
        setting="STALLED_MESSAGE_SECONDS",
        enqueue=_deliver,
    )
)

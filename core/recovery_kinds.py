"""The core app's interrupted work (``core.recovery``): outbound messages left "sending"."""

from core.models import OutboundMessage
from core.recovery import Resumable, register


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

"""One gateway for email and SMS.

Email goes through Django's mail backend (console by default, SMTP in production).
SMS goes through ``settings.SMS_BACKEND``: the console backend prints, and a provider's
backend implements ``SmsBackend.send``. Messages are sent by the worker (``core.tasks``).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from core.models import OutboundMessage

logger = logging.getLogger(__name__)


class TransientSendError(Exception):
    """A provider's temporary failure: the task retries with backoff."""


class SmsBackend:
    """Interface for an SMS provider. ``send`` raises on failure so the task retries."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        masked = phone[:-3] + "***" if len(phone) > 3 else "***"
        logger.info("SMS to %s: %s", masked, text)


class LocmemSmsBackend(ConsoleSmsBackend):
    """Tests: prints like the console backend and keeps each SMS in ``sms_outbox`` (like
    Django's locmem mail backend), so a test can read what the phone received after the stored
    text was redacted (one-time codes, ``core.services.messages.REDACTED_ONCE_SENT``)."""

    def send(self, phone: str, text: str) -> None:
        super().send(phone, text)
        sms_outbox.append((phone, text))


sms_outbox: list[tuple[str, str]] = []


class Gateway:
    def send(self, message: OutboundMessage) -> None:
        if message.channel == OutboundMessage.Channel.EMAIL:
            email = EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.recipient],
            )
            if message.attachment:
                with message.attachment.open("rb") as handle:
                    email.attach(message.attachment.name.rsplit("/", 1)[-1], handle.read())
            email.send(fail_silently=False)
        elif message.channel == OutboundMessage.Channel.SMS:
            sms_backend().send(message.recipient, message.body)
        else:
            raise ValueError(f"unknown channel {message.channel}")


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


gateway = Gateway()

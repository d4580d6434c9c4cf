"""A real SMTP server on 127.0.0.1 (aiosmtpd) that the app sends to and the tests read back."""

import asyncio
import email
import email.policy
import socket

import pytest


class Inbox:
    """Everything the server received: parsed messages, in order."""

    def __init__(self, delay: float = 0.0):
        self.messages: list[email.message.EmailMessage] = []
        self.delay = delay  # seconds the server takes before it says "accepted" (to be caught mid-send)

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Start the server and point the app's email at it (Django's tests would otherwise keep mail in memory)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.SITE_URL = "http://testserver"
    inbox.port = controller.port
    yield inbox
    controller.stop()


def body(message, kind: str = "plain") -> str:
    """The text/plain or text/html part of a message."""
    return message.get_body(preferencelist=(kind,)).get_content()

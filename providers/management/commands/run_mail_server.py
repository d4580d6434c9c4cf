"""A mail server for development: `make run` starts it, and the app's emails arrive here instead of in real inboxes.

It listens on 127.0.0.1:1025 (EMAIL_PORT in development) and keeps every
message it receives as a file in .mail/ (open one with any mail program), and
prints a line for each. Nothing is sent on. Not for production.
"""

import email
import email.policy
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class KeepInFolder:
    """aiosmtpd's handler: each message to a .eml file."""

    def __init__(self, folder: Path, say):
        self.folder, self.say = folder, say

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(message.get("Subject", ""))
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{re.sub(r'[^A-Za-z0-9]+', '-', subject)[:60].strip('-')}.eml"
        (self.folder / name).write_bytes(envelope.content)
        self.say(f"Mail to {', '.join(envelope.rcpt_tos)}: {subject} (kept in {self.folder.name}/{name})")
        return "250 Message accepted for delivery"


class Command(BaseCommand):
    help = "Run a local mail server that keeps each message in a folder (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)
        parser.add_argument("--folder", default=str(Path(settings.BASE_DIR) / ".mail"))

    def handle(self, *args, port: int, folder: str, **options):
        from aiosmtpd.controller import Controller

        folder_path = Path(folder)
        folder_path.mkdir(exist_ok=True)
        controller = Controller(KeepInFolder(folder_path, lambda line: self.stdout.write(line) or self.stdout.flush()),
                                hostname="127.0.0.1", port=port)
        controller.start()
        self.stdout.write(f"Mail server on 127.0.0.1:{port}: messages are kept in {folder_path}/ (Ctrl+C stops it)")
        self.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()

"""The real worker sends the emails, and killing it mid-batch sends nothing twice (a slow SMTP server keeps it
busy long enough to be killed while it is talking to the server)."""

import signal

import pytest
from aiosmtpd.controller import Controller

from providers import tasks
from providers.following import emails, sending, services
from providers.following.models import Message, Subscriber
from tests.following.conftest import Inbox, free_port
from tests.worker_support import start_worker, wait_for  # noqa: F401 (start_worker is a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_smtp_server():
    inbox = Inbox(delay=0.4)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def test_a_worker_killed_mid_batch_sends_nothing_twice(start_worker, slow_smtp_server):
    for n in range(12):
        subscriber = Subscriber.objects.create(email=f"person{n}@example.org")
        services.queue(subscriber, f"test:{n}", emails.Email(f"Message {n}", "Hello", "<p>Hello</p>"))
    env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(slow_smtp_server.port), "SITE_URL": "http://testserver"}
    worker = start_worker(**env)
    tasks.send_messages_soon()
    # Killed once three are recorded as sent (not when three have arrived: the server may hold the third
    # before the worker has written that it sent it, which left that one in hand and two sent).
    wait_for(lambda: Message.objects.filter(state=Message.State.SENT).count() >= 3, seconds=60,
             what="three messages to be sent")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    sent_before = Message.objects.filter(state=Message.State.SENT).count()
    in_hand = Message.objects.filter(state=Message.State.SENDING).count()
    assert 3 <= sent_before < 12 and in_hand <= 1

    start_worker(**env)  # a new worker finishes the batch; the one in hand is not sent again by itself
    tasks.send_messages_soon()
    wait_for(lambda: Message.objects.filter(state=Message.State.SENT).count() + in_hand == 12, seconds=60,
             what="the rest to be sent")
    assert not Message.objects.filter(state=Message.State.PENDING).exists()
    received = [str(m["Subject"]) for m in slow_smtp_server.messages]
    assert len(received) == len(set(received)), f"sent twice: {received}"
    assert 12 - in_hand <= len(received) <= 12  # the one in hand may or may not have arrived; no more

    # The tidy-up marks the one in hand interrupted, for an admin to see and send again if they choose.
    from django.utils import timezone

    assert sending.mark_interrupted(timezone.now() + sending.INTERRUPTED_AFTER * 2) == in_hand

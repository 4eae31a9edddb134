"""A real SMTP server (aiosmtpd) for the outbox tests, whose answers a test
decides: refuse some recipients, answer 4xx a number of times, or hold a
message at DATA until the test releases it."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received = []  # envelopes, in the order their DATA arrived
        self.refuse: dict[str, str] = {}  # recipient -> the answer to RCPT
        self.busy_answers = 0  # how many DATA commands to answer 451 first
        self.hold_at: int | None = None  # the nth DATA (1-based) waits for release()
        self.held = threading.Event()  # set once that message has arrived
        self._release: asyncio.Event | None = None
        self._controller: Controller | None = None

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self.release()
            self._controller.stop()
            self._controller = None

    def release(self) -> None:
        if self._release is not None and self._controller is not None:
            self._controller.loop.call_soon_threadsafe(self._release.set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.busy_answers:
            self.busy_answers -= 1
            return "451 4.3.0 Try again later"
        self.received.append(envelope)
        if self.hold_at == len(self.received):
            self._release = asyncio.Event()
            self.held.set()
            await self._release.wait()
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [self.parse(e)["Message-ID"] for e in self.received]

    @staticmethod
    def parse(envelope) -> email.message.EmailMessage:
        return email.message_from_bytes(envelope.content, policy=policy.default)

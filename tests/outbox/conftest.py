"""A real SMTP server on 127.0.0.1 that accepts, refuses or stalls, and the settings that point
Django's mailer at it.

A few lines over a socket rather than aiosmtpd: aiosmtpd depends on `atpublic`, whose top-level
module `public` collides with our `public` app.
"""

import socketserver
import threading

import pytest


class MailServer(socketserver.ThreadingTCPServer):
    """What it does with each message: "accept", "refuse" (550), "stall" (hold every message
    until released), or "stall_first" (hold the first, accept the rest)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, mode: str):
        super().__init__(("127.0.0.1", port), _Session)
        self.mode = mode
        self.lock = threading.Lock()
        self.data_count = 0  # messages whose DATA the server read, whatever it then answered
        self.received: list[bytes] = []  # messages it accepted (answered 250)
        self.data_started = threading.Event()
        self.delivered = threading.Event()
        self.release = threading.Event()

    def answer_to(self, message: bytes) -> bytes:
        with self.lock:
            self.data_count += 1
            first = self.data_count == 1
        if self.mode == "refuse":
            return b"550 5.7.1 Refused by policy"
        if self.mode == "stall" or (self.mode == "stall_first" and first):
            self.data_started.set()
            self.release.wait(60)
            return b"451 4.3.0 Too slow, try again later"
        with self.lock:
            self.received.append(message)
        self.delivered.set()
        return b"250 2.0.0 Accepted"


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def handle(self):
        server: MailServer = self.server
        self.reply(b"220 test ESMTP")
        try:
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    self.reply(b"250-test\r\n250 8BITMIME")
                elif verb == b"DATA":
                    self.reply(b"354 End data with <CR><LF>.<CR><LF>")
                    message = b"".join(iter(self.rfile.readline, b".\r\n"))
                    self.reply(server.answer_to(message))
                elif verb == b"QUIT":
                    self.reply(b"221 Bye")
                    return
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    self.reply(b"250 OK")
        except OSError:
            pass  # the client went away (timed out, or its process was killed)

    def reply(self, text: bytes) -> None:
        self.wfile.write(text + b"\r\n")


@pytest.fixture
def smtp_server():
    """Start a server in the given mode on a port of 8140-8149; stop it after the test."""
    started: list[MailServer] = []

    def start(mode: str, port: int = 8142) -> MailServer:
        server = MailServer(port, mode)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def smtp_mailer(settings):
    """Django's SMTP backend to the test server, with a one-second timeout."""

    def use(port: int = 8142, timeout: float = 1) -> None:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
            }
        }

    return use

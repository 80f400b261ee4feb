"""A webhook receiver on loopback (a threaded http.server on 127.0.0.1, a free port) and an endpoint pointing at it."""

import http.server
import threading
import time
from dataclasses import dataclass, field

import pytest

from knotwork.webhooks import services


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the receiver answers (`statuses` in turn, then `status`), how slowly, and what it got."""

    url: str = ""
    status: int = 204
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    redirect_to: str = ""
    received: list[Received] = field(default_factory=list)

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else self.status


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if state.delay:
                time.sleep(state.delay)
            if state.redirect_to:
                self.send_response(307)
                self.send_header("Location", state.redirect_to)
                self.end_headers()
                return
            status = state.next_status()
            reply = b"Internal error\x00 \n at line 3" if status >= 500 else b""
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def loopback(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True


@pytest.fixture
def endpoint_and_secret(clinic_a, owner, receiver, loopback):
    return services.create_endpoint(
        clinic=clinic_a, url=receiver.url, events=["patient.created", "appointment.booked"], by=owner
    )


@pytest.fixture
def endpoint(endpoint_and_secret):
    return endpoint_and_secret[0]

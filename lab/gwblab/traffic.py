"""A bounded traffic driver: a few requests per location, to 127.0.0.1 only.

A raw-socket client rather than http.client: the lab must see what nginx really sends,
including an HTTP/0.9 answer without a status line (/not-http), and one client must hang
up before nginx answers (/slow).
"""

import socket
import time

from . import layout
from .scenarios import SCENARIOS

REQUEST_TIMEOUT = 10.0      # seconds for one request; the slowest scenario needs ~1 s
MAX_RESPONSE_BYTES = 1 << 20
MAX_ROUNDS = 20
DEFAULT_USER_AGENT = "gwb-lab-traffic/1.0"


def build_request(path, request):
    body = b"payload=lab\n" if request.method == "POST" else b""
    lines = [f"{request.method} {path} HTTP/1.1", f"Host: {layout.SERVER_NAME}",
             f"User-Agent: {request.user_agent or DEFAULT_USER_AGENT}", "Connection: close"]
    if request.referer:
        lines.append(f"Referer: {request.referer}")
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def send(port, path, request):
    """Send one request; return what the client saw: "502", "0.9 body", "gave up", ..."""
    with socket.create_connection((layout.HOST, port), timeout=REQUEST_TIMEOUT) as sock:
        sock.sendall(build_request(path, request))
        if request.give_up_after is not None:
            sock.settimeout(request.give_up_after)
        try:
            data = receive_all(sock)
        except socket.timeout:
            # Leaving the with-block closes the socket: nginx then logs 499.
            return "gave up" if request.give_up_after is not None else "timed out"
    return describe(data)


def receive_all(sock):
    chunks, size = [], 0
    while size < MAX_RESPONSE_BYTES:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def describe(data):
    if not data:
        return "empty"
    if not data.startswith(b"HTTP/"):
        return "0.9 body"   # nginx relayed a non-HTTP answer as HTTP/0.9
    parts = data.split(b" ", 2)
    return parts[1].decode("latin-1") if len(parts) > 1 else "bad status line"


def run(port_base, rounds, report=print, plan=None):
    """Send `rounds` rounds over every location; return {location: [outcomes]}.

    plan: [(location, requests)] to send instead of the lab's scenarios (practice mode).
    """
    rounds = max(1, min(rounds, MAX_ROUNDS))
    port = layout.port(port_base, "nginx")
    plan = plan or [(scenario.location, scenario.requests) for scenario in SCENARIOS]
    outcomes = {location: [] for location, _ in plan}
    for _ in range(rounds):
        for location, requests in plan:
            for request in requests:
                outcomes[location].append(send_safely(port, location, request))
    time.sleep(0.3)  # let nginx finish logging the 499 of the client that hung up last
    for location, seen in outcomes.items():
        report(f"  {location:<20} {', '.join(seen)}")
    return outcomes


def send_safely(port, path, request):
    try:
        return send(port, path, request)
    except OSError as error:
        return f"error: {error.strerror or error}"

#!/usr/bin/env python3
"""Misbehaving backends for the Gateway Workbench practice lab.

One asyncio process serves every broken backend that the lab's nginx proxies to. Each
backend misbehaves in exactly one way so that nginx writes one genuine failure per
location. `gwb-lab up` starts this process; it writes its pid file only after every
listener is bound, so that a pid file means "ready".

Usage (normally only by gwb-lab):
    backends.py --state DIR --run RUNDIR --port-base N [--daemon]

With --daemon it detaches like nginx does: the command returns once every listener is
bound (exit 0) or binding failed (exit 1, reason on stderr), and the server runs on in
its own session until SIGTERM.
"""

import argparse
import asyncio
import os
import signal
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from gwblab import layout  # noqa: E402  (path set just above)

# Every wait is bounded, so a stuck peer never keeps a handler alive for long.
READ_LIMIT_SECONDS = 10.0
READ_TIMEOUT_SLEEP = 3.0   # longer than the lab's proxy_read_timeout 1s on /read-timeout
SLOW_SLEEP = 2.0           # longer than the traffic client's patience (0.5 s) on /slow
BIG_HEADER_BYTES = 16 * 1024  # four times proxy_buffer_size 4k
MAX_HEAD_BYTES = 64 * 1024


class NotHttp(Exception):
    """The peer did not start with an HTTP method (e.g. nginx speaking TLS to us)."""


async def read_request(reader):
    """Read one request (head and Content-Length body). Returns the head, or None on EOF.

    The whole request is read before any backend closes: closing a socket with unread
    input makes the kernel send RST instead of FIN, which would turn a "premature close"
    into a "connection reset" in nginx's log.
    """
    first = await asyncio.wait_for(reader.read(1), READ_LIMIT_SECONDS)
    if not first:
        return None
    if not first.isalpha() or not first.isupper():
        raise NotHttp()
    rest = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_LIMIT_SECONDS)
    head = first + rest
    length = content_length(head)
    if length:
        await asyncio.wait_for(reader.readexactly(length), READ_LIMIT_SECONDS)
    return head


def content_length(head):
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or 0)
    return 0


def request_line(head):
    return head.split(b"\r\n", 1)[0].decode("latin-1")


def response(status, body, extra_headers=(), keep_alive=False):
    lines = [f"HTTP/1.1 {status}", "Content-Type: text/plain",
             f"Content-Length: {len(body)}",
             "Connection: keep-alive" if keep_alive else "Connection: close"]
    lines.extend(extra_headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def send_and_close(writer, data):
    try:
        writer.write(data)
        await asyncio.wait_for(writer.drain(), READ_LIMIT_SECONDS)
    except (OSError, asyncio.TimeoutError):
        pass  # nginx may already have given up on us; that is the point of some scenarios
    close(writer)


def close(writer):
    try:
        writer.close()
    except OSError:
        pass


def reset(writer):
    """Close with RST: SO_LINGER on with a zero timeout discards the connection at once."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# --- the backends: each coroutine handles one accepted connection --------------------

async def healthy(reader, writer, head):
    body = f"healthy: {request_line(head)}\n".encode()
    await send_and_close(writer, response("200 OK", body))


async def read_timeout(reader, writer, head):
    await asyncio.sleep(READ_TIMEOUT_SLEEP)
    await send_and_close(writer, response("200 OK", b"too late\n"))


async def premature_close(reader, writer, head):
    close(writer)


async def connection_reset(reader, writer, head):
    reset(writer)


async def header_too_big(reader, writer, head):
    cookie = "Set-Cookie: session=" + "x" * BIG_HEADER_BYTES + "; Path=/"
    await send_and_close(writer, response("200 OK", b"big header\n", [cookie]))


async def invalid_header(reader, writer, head):
    # A space inside a header name: nginx 1.22 rejects the response as invalid.
    await send_and_close(writer, response("200 OK", b"invalid\n", ["X Broken Header: yes"]))


async def not_http(reader, writer, head):
    # What redis answers when an HTTP request reaches it: an error reply, no status line.
    await send_and_close(writer, b"-ERR wrong number of arguments for 'get' command\r\n")


async def backend_502(reader, writer, head):
    body = b"<html><body>the application itself failed</body></html>\n"
    await send_and_close(writer, response("502 Bad Gateway", body))


async def slow(reader, writer, head):
    await asyncio.sleep(SLOW_SLEEP)
    await send_and_close(writer, response("200 OK", b"slow but fine\n"))


async def permission_denied_socket(reader, writer, head):
    # nginx must never get here: the socket's mode is 000 (see layout.make_denied_socket).
    await send_and_close(writer, response("200 OK", b"this socket should not be reachable\n"))


async def keepalive_race(reader, writer, head):
    """Answer the first request with keep-alive; on the same connection, drop the next one.

    This is the keepalive race made deterministic: the backend closes a connection that
    nginx believes is reusable, after nginx has sent a request on it.
    """
    await send_one(writer, response("200 OK", b"first request on this connection\n",
                                    keep_alive=True))
    await read_request(reader)
    close(writer)  # FIN without an answer, after reading the whole second request


async def send_one(writer, data):
    writer.write(data)
    await asyncio.wait_for(writer.drain(), READ_LIMIT_SECONDS)


HANDLERS = {
    "healthy": healthy,
    "read-timeout": read_timeout,
    "premature-close": premature_close,
    "reset": connection_reset,
    "header-too-big": header_too_big,
    "invalid-header": invalid_header,
    "not-http": not_http,
    "keepalive-race": keepalive_race,
    "backend-502": backend_502,
    "slow": slow,
}


def make_connection_handler(name, handler):
    async def on_connection(reader, writer):
        try:
            head = await read_request(reader)
            if head is None:
                close(writer)
                return
            log(f"{name}: {request_line(head)}")
            await handler(reader, writer, head)
        except NotHttp:
            # Plain HTTP servers answer garbage (a TLS ClientHello) with 400 and close.
            log(f"{name}: not an HTTP request, answering 400")
            await send_and_close(writer, response("400 Bad Request", b"not http\n"))
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError, ValueError) as error:
            log(f"{name}: connection ended: {error!r}")
            close(writer)
        except asyncio.CancelledError:
            close(writer)  # shutting down while a backend sleeps: not worth a traceback
    return on_connection


def log(message):
    print(message, file=sys.stderr, flush=True)


async def start_servers(port_base, run_dir):
    servers = []
    for name, handler in HANDLERS.items():
        port = layout.port(port_base, name)
        servers.append(await asyncio.start_server(
            make_connection_handler(name, handler), "127.0.0.1", port,
            limit=MAX_HEAD_BYTES, reuse_address=True))
    denied_path = layout.denied_socket_path(run_dir)
    servers.append(await asyncio.start_unix_server(
        make_connection_handler("socket-permission", permission_denied_socket), denied_path))
    layout.make_denied_socket(denied_path)
    return servers


def write_pid_file(path):
    temporary = path + ".tmp"
    with open(temporary, "w") as f:
        f.write(f"{os.getpid()}\n")
    os.replace(temporary, path)  # atomic: gwb-lab never reads a half-written pid


def detach():
    """Fork; the parent waits for the child's readiness byte and exits with the verdict.

    Returns, in the child, the pipe end to report readiness on.
    """
    ready_read, ready_write = os.pipe()
    if os.fork() > 0:
        os.close(ready_write)
        verdict = os.read(ready_read, 1)  # b"" if the child died before getting ready
        os._exit(0 if verdict == b"1" else 1)
    os.close(ready_read)
    os.setsid()
    return ready_write


def report_ready(ready_fd):
    if ready_fd is not None:
        os.write(ready_fd, b"1")
        os.close(ready_fd)


async def serve(args, ready_fd):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        servers = await start_servers(args.port_base, args.run)
    except OSError as error:
        log(f"backends: cannot listen: {error}")
        return 1
    pid_file = layout.backends_pid_path(args.state)
    write_pid_file(pid_file)
    log(f"backends: ready, pid {os.getpid()}")
    report_ready(ready_fd)
    await stop.wait()
    for server in servers:
        server.close()
    remove_quietly(layout.denied_socket_path(args.run))
    remove_quietly(pid_file)
    log("backends: stopped")
    return 0


def remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def main():
    parser = argparse.ArgumentParser(description="Misbehaving backends for the gwb-lab nginx.")
    parser.add_argument("--state", required=True, help="lab state directory (pid file goes here)")
    parser.add_argument("--run", required=True, help="directory for the unix sockets")
    parser.add_argument("--port-base", type=int, required=True, help="nginx port; backends follow")
    parser.add_argument("--daemon", action="store_true", help="detach once ready")
    args = parser.parse_args()
    ready_fd = detach() if args.daemon else None
    return asyncio.run(serve(args, ready_fd))


if __name__ == "__main__":
    sys.exit(main())

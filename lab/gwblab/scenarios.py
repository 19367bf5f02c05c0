"""The lab's scenarios: one nginx location per way an upstream can fail.

The nginx side of each scenario is in nginx.conf.in; the backend side in backends.py.
This table is what the rest of gwb-lab needs: what `up` prints, what `traffic` sends,
what `fixtures` expects to find in the logs (expected.tsv).

Cause ids are those of core/nginx/cause.h (enum names in kebab-case); the client status
is the one the access log really shows with nginx 1.22.1 (checked against the real logs).
"""

from dataclasses import dataclass, field

from . import layout


@dataclass(frozen=True)
class Request:
    method: str = "GET"
    give_up_after: float | None = None  # seconds; the client closes before nginx answers
    user_agent: str | None = None
    referer: str | None = None


ONE_GET = (Request(),)


@dataclass(frozen=True)
class Scenario:
    location: str
    broken: str              # one line for humans
    cause: str               # cause id, core/nginx/cause.h
    client_status: str       # $status in the access log
    peer: str                # format string, see peer_address()
    error_text: str | None   # substring of the error.log line; None: nginx logs no error
    requests: tuple = field(default=ONE_GET)
    access_text: str | None = None  # substring some access.log line of this location must hold


SCENARIOS = (
    Scenario("/healthy", "nothing: a normal backend answering 200",
             "none", "200", "{healthy}", None,
             (Request(), Request(user_agent='gwb-lab "quoted" agent/1.0',
                                 referer="http://lab.local/start?a=1&b=2"))),
    Scenario("/refused", "proxy_pass to a loopback port where nothing listens",
             "backend-refused", "502", "{refused}",
             "connect() failed (111: Connection refused) while connecting to upstream"),
    Scenario("/read-timeout", "backend sleeps 3 s; proxy_read_timeout is 1s",
             "read-timeout", "504", "{read-timeout}",
             "upstream timed out (110: Connection timed out) while reading response header"),
    Scenario("/premature-close", "backend reads the request and closes without answering",
             "premature-close", "502", "{premature-close}",
             "upstream prematurely closed connection while reading response header"),
    Scenario("/reset", "backend reads the request and resets the connection (SO_LINGER 0)",
             "connection-reset", "502", "{reset}",
             "recv() failed (104: Connection reset by peer) while reading response header"),
    Scenario("/header-too-big", "backend sends a 16 KB Set-Cookie; proxy_buffer_size is 4k",
             "header-too-big", "502", "{header-too-big}",
             "upstream sent too big header while reading response header"),
    Scenario("/invalid-header", "backend sends a header name containing spaces",
             "invalid-response", "502", "{invalid-header}",
             "upstream sent invalid header"),
    Scenario("/not-http", "backend answers like redis (-ERR ...), no HTTP status line",
             "invalid-response", "009", "{not-http}",
             "upstream sent no valid HTTP/1.0 header while reading response header"),
    Scenario("/socket-missing", "proxy_pass to a unix socket that does not exist",
             "socket-missing", "502", "unix:{missing_sock}",
             "failed (2: No such file or directory) while connecting to upstream"),
    Scenario("/socket-permission", "proxy_pass to a unix socket with mode 000",
             "socket-permission", "502", "unix:{denied_sock}",
             "failed (13: Permission denied) while connecting to upstream"),
    Scenario("/no-live", "upstream group of two refusing peers, max_fails=1 fail_timeout=30s",
             "no-live-upstreams", "502", "lab_no_live",
             "no live upstreams while connecting to upstream",
             (Request(), Request()), access_text=" lab_no_live 502 - - "),
    Scenario("/keepalive-race", "keepalive upstream; backend drops the 2nd request on a reused "
             "connection (POST: not retried)",
             "keepalive-race", "502", "{keepalive-race}",
             "upstream prematurely closed connection while reading response header",
             (Request("POST"), Request("POST")), access_text=" 502 0.000 - "),
    Scenario("/keepalive-retry", "as /keepalive-race but GET: nginx retries on a new "
             "connection, the client gets 200",
             "keepalive-race", "200", "{keepalive-race}",
             "upstream prematurely closed connection while reading response header",
             (Request(), Request()), access_text=" 502, 200 0.000, 0.000 -, "),
    Scenario("/tls-to-plain", "proxy_pass https:// to the plain-HTTP healthy backend",
             "tls-handshake", "502", "{healthy}",
             "SSL_do_handshake() failed"),
    Scenario("/backend-502", "backend itself answers 502 (no error.log line)",
             "backend-status", "502", "{backend-502}", None),
    Scenario("/retry-then-ok", "round robin over a refusing peer and a healthy one",
             "backend-refused", "200", "{refused}",
             "connect() failed (111: Connection refused) while connecting to upstream",
             (Request(), Request()), access_text=" 502, 200 -, "),
    Scenario("/slow", "backend sleeps 2 s; the traffic client gives up after 0.5 s",
             "client-closed", "499", "{slow}",
             "client prematurely closed connection",
             (Request(give_up_after=0.5),)),
)


def peer_address(scenario, port_base, run_dir):
    names = {name: layout.address(port_base, name) for name in layout.PORT_OFFSETS}
    names["missing_sock"] = layout.missing_socket_path(run_dir)
    names["denied_sock"] = layout.denied_socket_path(run_dir)
    return scenario.peer.format(**names)

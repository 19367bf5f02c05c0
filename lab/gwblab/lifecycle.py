"""Bringing a lab up, down, and telling whether it is up."""

import os
import shutil
import socket
import subprocess
import sys
import time

from . import labconfig, layout, procs, traffic
from .labconfig import LabError
from .scenarios import SCENARIOS, Request

LAB_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
BACKENDS_SCRIPT = os.path.join(LAB_DIR, "backends.py")
START_TIMEOUT = 10.0
NGINX_STOP_TIMEOUT = 10.0
BACKENDS_STOP_TIMEOUT = 5.0


def find_nginx():
    chosen = os.environ.get("GWB_LAB_NGINX")
    if chosen:
        if not os.access(chosen, os.X_OK):
            raise LabError(f"GWB_LAB_NGINX={chosen} is not an executable nginx")
        return chosen
    # /usr/sbin is often missing from a non-root PATH.
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise LabError("nginx not found: install it (Debian: apt install nginx) "
                   "or point GWB_LAB_NGINX at the binary")


def nginx_version(nginx):
    result = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10)
    return (result.stderr or result.stdout).strip().removeprefix("nginx version: ")


def running(state):
    """(nginx master pid or None, backends pid or None)."""
    return procs.nginx_master(state), procs.backends(state)


def check_ports_free(port_base):
    if not 1 <= port_base <= 65535 - layout.PORT_SPAN:
        raise LabError(f"port base {port_base} is out of range (1..{65535 - layout.PORT_SPAN})")
    for name in layout.PORT_OFFSETS:
        port = layout.port(port_base, name)
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((layout.HOST, port))
            except OSError as error:
                raise LabError(f"port {layout.HOST}:{port} (for {name}) is not free "
                               f"({error.strerror}); choose another --port-base") from error


def up(state, port_base, out=print):
    nginx = find_nginx()
    refuse_if_up(state)
    check_ports_free(port_base)
    os.makedirs(state, exist_ok=True)
    account = labconfig.worker_account()
    run_dir, temporary = labconfig.prepare_run_dir(state, account)
    labconfig.write_state(state, port_base, run_dir, temporary, account)
    for stale in (layout.nginx_pid_path(state), layout.backends_pid_path(state)):
        remove_quietly(stale)
    try:
        start_backends(state, run_dir, port_base)
        start_nginx(nginx, state)
        wait_until_answering(port_base)
    except BaseException:
        down(state, out=lambda *_: None)  # leave nothing half-started behind
        raise
    print_locations(state, port_base, run_dir, account, out)


def refuse_if_up(state):
    master, backends = running(state)
    if master or backends:
        raise LabError(f"the lab in {state} is already up (nginx pid {master or '-'}, "
                       f"backends pid {backends or '-'}); run `gwb-lab down` first")


def start_backends(state, run_dir, port_base):
    # --daemon returns once the backends listen, like nginx; their output goes to a file
    # so that no pipe stays open in the detached process.
    command = [sys.executable, BACKENDS_SCRIPT, "--state", state, "--run", run_dir,
               "--port-base", str(port_base), "--daemon"]
    log_path = layout.backends_log_path(state)
    with open(log_path, "ab") as log:
        try:
            result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    cwd=state, timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired as error:
            raise LabError(f"the backends did not get ready within {START_TIMEOUT:.0f} s; "
                           f"see {log_path}") from error
    if result.returncode != 0 or not procs.backends(state):
        raise LabError(f"the backends failed to start: {last_line(log_path)}")


def start_nginx(nginx, state):
    # stderr goes to a file, not a pipe: the daemonised master keeps stderr open, and
    # reading a pipe to EOF would wait for the master to exit.
    start_log = layout.nginx_start_log_path(state)
    with open(start_log, "wb") as log:
        try:
            result = subprocess.run([nginx, "-p", state + "/", "-c", layout.conf_path(state)],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired as error:
            raise LabError(f"nginx did not start within {START_TIMEOUT:.0f} s") from error
    if result.returncode != 0:
        raise LabError(f"nginx failed to start: {joined_lines(start_log)}")
    deadline = time.monotonic() + START_TIMEOUT
    while not procs.nginx_master(state):
        if time.monotonic() > deadline:
            raise LabError(f"nginx started but wrote no pid file; see {start_log}")
        time.sleep(procs.POLL_SECONDS)


def wait_until_answering(port_base):
    deadline = time.monotonic() + START_TIMEOUT
    seen = ""
    while time.monotonic() < deadline:
        seen = traffic.send_safely(layout.port(port_base, "nginx"), "/", Request())
        if seen == "200":
            return
        time.sleep(0.1)
    raise LabError(f"nginx does not answer on {layout.address(port_base, 'nginx')} ({seen})")


def print_locations(state, port_base, run_dir, account, out):
    base_url = f"http://{layout.address(port_base, 'nginx')}"
    master, backends = running(state)
    out(f"gwb-lab is up in {state}: nginx pid {master}, backends pid {backends}"
        + (f", workers run as {account['user']}" if account else ""))
    out(f"logs: {layout.logs_dir(state)}/   sockets: {layout.socket_dir(run_dir)}/")
    out("")
    width = max(len(base_url + s.location) for s in SCENARIOS)
    out(f"{'URL':<{width}}  what is broken")
    for scenario in SCENARIOS:
        out(f"{base_url + scenario.location:<{width}}  {scenario.broken}")
    out("")
    out(f"send Host: {layout.SERVER_NAME} if you like; `gwb-lab traffic` exercises every location")


def down(state, out=print):
    """Stop this lab's nginx and backends by pid; idempotent."""
    stopped = []
    master = procs.nginx_master(state)
    if master:
        workers = procs.nginx_workers(master)
        if not procs.stop(master, NGINX_STOP_TIMEOUT, workers):
            raise LabError(f"nginx master {master} did not exit")
        stopped.append(f"nginx (pid {master})")
    backends = procs.backends(state)
    if backends:
        if not procs.stop(backends, BACKENDS_STOP_TIMEOUT):
            raise LabError(f"backends process {backends} did not exit")
        stopped.append(f"backends (pid {backends})")
    for path in (layout.nginx_pid_path(state), layout.backends_pid_path(state)):
        remove_quietly(path)  # stale or left by a killed process
    remove_temporary_run_dir(state)
    out(f"stopped {', '.join(stopped)}" if stopped else f"the lab in {state} was not running")


def remove_temporary_run_dir(state):
    info = labconfig.read_state(state)
    if not info or not info.get("run_dir_is_temporary"):
        return
    run_dir = info["run_dir"]
    # Only ever a directory we created with mkdtemp(prefix="gwb-lab-run-").
    if os.path.basename(run_dir).startswith("gwb-lab-run-") and os.path.isdir(run_dir):
        shutil.rmtree(run_dir, ignore_errors=True)


def status(state, out=print):
    """Print what runs; return True if the whole lab is up."""
    info = labconfig.read_state(state)
    master, backends = running(state)
    if not info or not (master or backends):
        out(f"the lab in {state} is not running")
        return False
    port_base = info["port_base"]
    workers = procs.nginx_workers(master) if master else []
    out(f"state dir: {state}")
    out(f"nginx:     {f'master pid {master}, worker pids {workers}' if master else 'NOT running'}"
        f", listening on {layout.address(port_base, 'nginx')}")
    out(f"backends:  {f'pid {backends}' if backends else 'NOT running'}, ports "
        f"{port_base + 1}..{port_base + layout.PORT_SPAN - 1} "
        f"(nothing listens on {', '.join(str(layout.port(port_base, n)) for n in layout.SILENT_PORTS)})")
    out(f"sockets:   {layout.socket_dir(info['run_dir'])}/")
    out(f"logs:      {layout.logs_dir(state)}/")
    return bool(master and backends)


def joined_lines(path):
    """A file's non-empty lines on one line, for a one-sentence error message."""
    try:
        with open(path, errors="replace") as f:
            return " / ".join(line.strip() for line in f if line.strip()) or "(no output)"
    except OSError:
        return "(no output)"


def last_line(path):
    try:
        with open(path, errors="replace") as f:
            lines = [line.strip() for line in f if line.strip()]
    except OSError:
        return "(no log)"
    return lines[-1] if lines else "(no output)"


def remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

"""The lab's processes: found through their pid files, checked, and stopped by pid only.

A pid file can outlive its process and the pid can be reused by something else, so a pid
counts as ours only if /proc/<pid>/cmdline still names this lab's nginx.conf or state dir.
"""

import os
import signal
import time

from . import layout

POLL_SECONDS = 0.05


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (FileNotFoundError, ValueError):
        return None


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def is_running(pid):
    """True while pid exists and is not a zombie (reaping it if it is our own child)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child: nothing to reap
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def parent_pid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def children(pid):
    return [int(entry) for entry in os.listdir("/proc")
            if entry.isdigit() and parent_pid(int(entry)) == pid]


def nginx_master(state):
    """pid of this lab's nginx master, or None."""
    pid = read_pid(layout.nginx_pid_path(state))
    if pid and is_running(pid):
        line = cmdline(pid)
        if "nginx: master process" in line and layout.conf_path(state) in line:
            return pid
    return None


def nginx_workers(master):
    return [pid for pid in children(master) if "nginx: " in cmdline(pid)]


def backends(state):
    """pid of this lab's backends process, or None."""
    pid = read_pid(layout.backends_pid_path(state))
    if pid and is_running(pid):
        line = cmdline(pid)
        if "backends.py" in line and f"--state {state}" in line:
            return pid
    return None


def wait_for_exit(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid):
            return True
        time.sleep(POLL_SECONDS)
    return not is_running(pid)


def stop(pid, timeout, extra_pids=()):
    """SIGTERM, wait; if it is still there, SIGKILL it and extra_pids (its own children).

    Returns True if everything is gone.
    """
    send(pid, signal.SIGTERM)
    if wait_for_exit(pid, timeout):
        return all(wait_for_exit(child, timeout) for child in extra_pids)
    for victim in (pid, *extra_pids):
        send(victim, signal.SIGKILL)
    return all(wait_for_exit(victim, 2.0) for victim in (pid, *extra_pids))


def send(pid, signum):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass

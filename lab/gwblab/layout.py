"""Where everything of one lab lives: loopback ports and files in the state directory.

Shared by gwb-lab and backends.py so that both agree on every port and path.
"""

import os

DEFAULT_PORT_BASE = 18080
HOST = "127.0.0.1"
SERVER_NAME = "lab.local"

# Offset from the port base. nginx listens on the base itself.
PORT_OFFSETS = {
    "nginx": 0,
    "healthy": 1,
    "refused": 2,          # nothing may listen here
    "read-timeout": 3,
    "premature-close": 4,
    "reset": 5,
    "header-too-big": 6,
    "invalid-header": 7,
    "not-http": 8,
    "keepalive-race": 9,
    "backend-502": 10,
    "slow": 11,
    "no-live-a": 12,       # nothing may listen here
    "no-live-b": 13,       # nothing may listen here
}
PORT_SPAN = max(PORT_OFFSETS.values()) + 1
SILENT_PORTS = ("refused", "no-live-a", "no-live-b")
LISTENING_PORTS = tuple(name for name in PORT_OFFSETS if name not in SILENT_PORTS)

ACCESS_LOGS = ("access.log", "access_combined.log", "access_json.log", "access_custom.log")
ERROR_LOG = "error.log"


def port(port_base, name):
    return port_base + PORT_OFFSETS[name]


def address(port_base, name):
    return f"{HOST}:{port(port_base, name)}"


def default_state_dir():
    return os.environ.get("GWB_LAB_DIR") or os.path.expanduser("~/.cache/gwb-lab")


def conf_path(state):
    return os.path.join(state, "nginx.conf")


def nginx_pid_path(state):
    return os.path.join(state, "nginx.pid")


def nginx_start_log_path(state):
    return os.path.join(state, "nginx-start.log")


def backends_pid_path(state):
    return os.path.join(state, "backends.pid")


def backends_log_path(state):
    return os.path.join(state, "backends.log")


def logs_dir(state):
    return os.path.join(state, "logs")


def lab_json_path(state):
    return os.path.join(state, "lab.json")


def socket_dir(run_dir):
    return os.path.join(run_dir, "sock")


def denied_socket_path(run_dir):
    return os.path.join(socket_dir(run_dir), "denied.sock")


def missing_socket_path(run_dir):
    return os.path.join(socket_dir(run_dir), "missing.sock")


def make_denied_socket(path):
    """Mode 000: connect() needs write permission on a socket file, so any non-root
    nginx worker gets EACCES, whether it runs as us (non-root lab) or as nobody (root lab).
    """
    os.chmod(path, 0)

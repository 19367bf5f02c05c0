"""Prepares a lab's state directory: worker account, socket directory, nginx.conf."""

import grp
import json
import os
import pwd
import re
import subprocess
import tempfile

from . import layout

TEMPLATE = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                        "nginx.conf.in")


class LabError(Exception):
    """A failure the user can act on; the message is one sentence."""


def worker_account():
    """The unprivileged account nginx workers run as when we are root, else None.

    nobody owns no files, so the worker can open only what is world-accessible: the lab
    relies on that for the permission-denied socket.
    """
    if os.geteuid() != 0:
        return None
    for name in ("nobody", "www-data"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": name, "group": grp.getgrgid(entry.pw_gid).gr_name,
                "uid": entry.pw_uid, "gid": entry.pw_gid}
    raise LabError("running as root but neither user nobody nor www-data exists for the nginx workers")


def worker_can_reach(path, account):
    """True if the worker account may traverse path (every ancestor included)."""
    if account is None:
        return True
    probe = subprocess.run(["test", "-x", path], user=account["uid"], group=account["gid"],
                           extra_groups=[], check=False)
    return probe.returncode == 0


def prepare_run_dir(state, account):
    """The directory for sockets and nginx temp files, reachable by the worker.

    A root lab in ~/.cache sits under /root (mode 700), where nobody cannot go; then the
    sockets move to a private directory in /tmp, removed again by `down`.
    """
    if worker_can_reach(state, account):
        run_dir = os.path.join(state, "run")
        temporary = False
    else:
        run_dir = tempfile.mkdtemp(prefix="gwb-lab-run-")
        temporary = True
    os.makedirs(layout.socket_dir(run_dir), exist_ok=True)
    os.makedirs(os.path.join(run_dir, "tmp"), exist_ok=True)
    for path in (run_dir, layout.socket_dir(run_dir), os.path.join(run_dir, "tmp")):
        os.chmod(path, 0o755)
    return run_dir, temporary


def render_conf(port_base, state, run_dir, account):
    values = {"STATE": state, "RUN": run_dir,
              "MISSING_SOCK": layout.missing_socket_path(run_dir),
              "DENIED_SOCK": layout.denied_socket_path(run_dir),
              "USER_DIRECTIVE": user_directive(account)}
    for name in layout.PORT_OFFSETS:
        values[f"ADDR_{name}"] = layout.address(port_base, name)
    with open(TEMPLATE) as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    leftover = re.search(r"@@[\w-]+@@", text)
    if leftover:
        raise LabError(f"nginx.conf.in uses an unknown placeholder {leftover.group(0)}")
    return text


def user_directive(account):
    if account is None:
        return "# not root: the workers run as the user who ran `gwb-lab up`"
    return f"user {account['user']} {account['group']};   # root lab: unprivileged workers"


def write_state(state, port_base, run_dir, temporary, account, conf_text=None, extra=None):
    """Write nginx.conf and lab.json (what status/traffic/down need to know later).

    conf_text replaces the config rendered from nginx.conf.in (practice mode); extra adds
    keys to lab.json.
    """
    os.makedirs(layout.logs_dir(state), exist_ok=True)
    with open(layout.conf_path(state), "w") as f:
        f.write(conf_text if conf_text is not None else
                render_conf(port_base, state, run_dir, account))
    info = {"port_base": port_base, "run_dir": run_dir, "run_dir_is_temporary": temporary,
            "worker_user": account["user"] if account else None}
    info.update(extra or {})
    with open(layout.lab_json_path(state), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


def read_state(state):
    try:
        with open(layout.lab_json_path(state)) as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise LabError(f"cannot read {layout.lab_json_path(state)}: {error}") from error

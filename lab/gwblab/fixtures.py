"""`gwb-lab fixtures`: real nginx logs for the test suite, and a check that they show
every scenario."""

import datetime
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

from . import labconfig, layout, lifecycle, traffic
from .labconfig import LabError
from .scenarios import SCENARIOS, peer_address

README_TEMPLATE = os.path.join(lifecycle.LAB_DIR, "fixtures-README.md.in")
DEFAULT_ROUNDS = 3


def produce(outdir, port_base, rounds=DEFAULT_ROUNDS, out=print):
    """Run a throw-away lab, copy its config dump and logs to outdir. True if all verified."""
    nginx = lifecycle.find_nginx()
    os.makedirs(outdir, exist_ok=True)
    state = tempfile.mkdtemp(prefix="gwb-lab-")
    os.chmod(state, 0o755)  # the workers (nobody, in a root lab) must reach state/run
    try:
        try:
            lifecycle.up(state, port_base, out)
            out("traffic:")
            traffic.run(port_base, rounds, out)
            dump = config_dump(nginx, state)
            info = labconfig.read_state(state)
        finally:
            lifecycle.down(state, out)
        copy_logs(state, outdir)
        with open(os.path.join(outdir, "nginx-T.txt"), "w") as f:
            f.write(dump)
        write_expected(outdir, port_base, info["run_dir"])
        results = verify(outdir, port_base, info["run_dir"])
        write_readme(outdir, nginx, state, port_base, rounds, info, results)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    print_results(results, out)
    out(f"fixtures written to {outdir}")
    return all(ok for _, ok, _ in results)


def config_dump(nginx, state):
    # Not daemonising, so pipes are safe here. The dump is stdout; stderr holds only
    # "syntax is ok / test is successful" unless something is wrong.
    result = subprocess.run([nginx, "-T", "-p", state + "/", "-c", layout.conf_path(state)],
                            capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise LabError(f"nginx -T failed: {result.stderr.strip()}")
    return result.stdout


def copy_logs(state, outdir):
    for name in (layout.ERROR_LOG, *layout.ACCESS_LOGS):
        shutil.copyfile(os.path.join(layout.logs_dir(state), name), os.path.join(outdir, name))


def write_expected(outdir, port_base, run_dir):
    with open(os.path.join(outdir, "expected.tsv"), "w") as f:
        f.write("location\tcause\tclient_status\tpeer\n")
        for s in SCENARIOS:
            f.write(f"{s.location}\t{s.cause}\t{s.client_status}\t"
                    f"{peer_address(s, port_base, run_dir)}\n")


def verify(outdir, port_base, run_dir):
    """For each scenario: (location, ok, what was missing). Reads the copied logs."""
    with open(os.path.join(outdir, layout.ERROR_LOG), errors="replace") as f:
        error_lines = f.read().splitlines()
    with open(os.path.join(outdir, "access.log"), errors="replace") as f:
        access_lines = f.read().splitlines()
    results = []
    for s in SCENARIOS:
        request = f'"{s.requests[0].method} {s.location} HTTP/1.1"'
        missing = []
        mine = [line for line in error_lines if f"request: {request}" in line]
        if s.error_text is None and any("[error]" in line for line in mine):
            missing.append("no error line expected, found one")
        if s.error_text is not None and not any(s.error_text in line for line in mine):
            missing.append(f"error.log: {s.error_text!r}")
        peer = peer_address(s, port_base, run_dir)
        wanted = (f"{request} {s.client_status} ", peer, s.access_text or "")
        if not any(all(part in line for part in wanted) for line in access_lines):
            missing.append("access.log: " + " + ".join(repr(part) for part in wanted if part))
        results.append((s.location, not missing, "; ".join(missing)))
    return results


def print_results(results, out):
    out("verification against the copied logs:")
    for location, ok, missing in results:
        out(f"  {location:<20} {'ok' if ok else 'MISSING ' + missing}")


def write_readme(outdir, nginx, state, port_base, rounds, info, results):
    with open(README_TEMPLATE) as f:
        text = f.read()
    values = {
        "COMMAND": shlex.join([sys.argv[0], *sys.argv[1:]]),
        "NGINX_VERSION": lifecycle.nginx_version(nginx),
        "NGINX_BINARY": nginx,
        "DATE": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z"),
        "STATE_DIR": state,
        "RUN_DIR": info["run_dir"],
        "PORT_BASE": str(port_base),
        "ROUNDS": str(rounds),
        "WORKER_USER": info["worker_user"] or "the invoking user (not root)",
        "VERIFICATION": "\n".join(f"| `{location}` | {'ok' if ok else 'MISSING: ' + missing} |"
                                  for location, ok, missing in results),
    }
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write(text)

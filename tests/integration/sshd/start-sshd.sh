#!/usr/bin/env bash
# Starts a throwaway OpenSSH sshd for the integration tests, on 127.0.0.1 only, on a random free port, with
# a host key, a client key and an authorized_keys generated into its own directory. Key-only login for the
# current user (root included, by key only). Never touches /etc/ssh or the system's sshd.
#
#   start-sshd.sh [--user NAME]... [--password-user NAME]... [DIR]
#       DIR: where to put everything (created; default: a new mktemp -d)
#       --user NAME: also let the existing account NAME log in, by its own key user_NAME_ed25519 (generated
#           here; its authorized_keys is DIR/users/NAME/authorized_keys, owned by NAME, because sshd reads it
#           with NAME's rights). Needs root. For tests that need an unprivileged login (sudo, permissions).
#       --password-user NAME: the same, and NAME may also log in by password (checked against /etc/shadow:
#           no PAM here). Every other user stays key-only.
#
# Prints KEY=VALUE lines: GWB_SSHD_PORT, GWB_SSHD_DIR, GWB_SSHD_PID, GWB_SSHD_USER, GWB_SSHD_EXTRA_USERS.
# Files in DIR: host_ed25519(.pub), client_ed25519(.pub) (authorized), stranger_ed25519(.pub) (not
# authorized), known_hosts (the host key for [127.0.0.1]:PORT), ssh_config (empty), sshd_config, sshd.log.
# Stop it with stop-sshd.sh DIR.
set -euo pipefail

sshd=${GWB_SSHD:-/usr/sbin/sshd}
if [[ ! -x $sshd ]]; then
    echo "start-sshd: $sshd is missing (Debian: apt-get install openssh-server)" >&2
    exit 2
fi
command -v ssh-keygen >/dev/null || { echo "start-sshd: ssh-keygen is missing (openssh-client)" >&2; exit 2; }

extra_users=()
password_users=()
while [[ $# -gt 0 ]]; do
    case $1 in
    --user | --password-user)
        name=${2:-}
        # Only plain account names: they go into sshd_config and file names.
        [[ $name =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || { echo "start-sshd: $1 needs an account name" >&2; exit 2; }
        id -u "$name" >/dev/null 2>&1 || { echo "start-sshd: no account $name" >&2; exit 2; }
        [[ $(id -u) -eq 0 ]] || { echo "start-sshd: $1 needs root (the key file is handed to $name)" >&2; exit 2; }
        extra_users+=("$name")
        [[ $1 == --password-user ]] && password_users+=("$name")
        shift 2
        ;;
    --) shift; break ;;
    -*) echo "start-sshd: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done

dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/gwb-sshd.XXXXXX")}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd) # sshd insists on absolute paths
chmod 700 "$dir"
: >"$dir/.gwb-sshd" # marks the directory as ours, for stop-sshd.sh

for key in host client stranger; do
    rm -f "$dir/${key}_ed25519" "$dir/${key}_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -C "gwb-test-$key" -f "$dir/${key}_ed25519"
done
cp "$dir/client_ed25519.pub" "$dir/authorized_keys"
chmod 600 "$dir/authorized_keys"
: >"$dir/ssh_config"

# sshd opens an authorized_keys file with the rights of the user logging in, so another account's file must
# be reachable and readable by that account: DIR becomes searchable (not listable; the private keys in it
# stay 0600 root), and each account gets a directory and file of its own, as it would in its home.
match_blocks=""
if [[ ${#extra_users[@]} -gt 0 ]]; then
    chmod 711 "$dir"
    install -d -m 0711 "$dir/users"
fi
for name in "${extra_users[@]}"; do
    rm -f "$dir/user_${name}_ed25519" "$dir/user_${name}_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -C "gwb-test-$name" -f "$dir/user_${name}_ed25519"
    install -d -m 0700 -o "$name" -g "$(id -gn "$name")" "$dir/users/$name"
    install -m 0600 -o "$name" -g "$(id -gn "$name")" "$dir/user_${name}_ed25519.pub" \
        "$dir/users/$name/authorized_keys"
    password=no
    for p in "${password_users[@]}"; do [[ $p == "$name" ]] && password=yes; done
    match_blocks+="Match User $name
    AuthorizedKeysFile $dir/users/$name/authorized_keys
    PasswordAuthentication $password
"
done

user=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
    # sshd running as root needs its privilege separation directory; Debian creates it only at boot.
    [[ -d /run/sshd ]] || install -d -m 0755 /run/sshd
    root_login=prohibit-password
else
    root_login=no
fi

for attempt in $(seq 1 40); do
    # Below the kernel's ephemeral range (32768+ on Linux), where the tests' own outgoing connections would
    # otherwise take the port between our pick and sshd's bind.
    port=$((20000 + RANDOM % 12000))
    cat >"$dir/sshd_config" <<CONF
# Throwaway sshd for Gateway Workbench integration tests — loopback only, keys only.
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $user ${extra_users[*]}
PermitRootLogin $root_login
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The key files live in a temp dir whose parents (/tmp) are world-writable.
StrictModes no
# Forwarding only back to this same sshd: lets a test go through a ProxyCommand (ssh -W) on loopback.
AllowTcpForwarding local
PermitOpen 127.0.0.1:$port
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PermitUserEnvironment no
PrintMotd no
MaxStartups 100
MaxSessions 100
LogLevel VERBOSE
$match_blocks
CONF
    rm -f "$dir/sshd.pid" "$dir/sshd.log"
    # A port in use usually makes sshd exit non-zero at once; sometimes it has already daemonized, and then
    # only its log and the missing pid file tell. Both mean: try another port.
    if "$sshd" -f "$dir/sshd_config" -E "$dir/sshd.log"; then
        for _ in $(seq 1 100); do
            [[ -s $dir/sshd.pid ]] && break
            grep -qiE 'address already in use|cannot bind' "$dir/sshd.log" 2>/dev/null && break
            sleep 0.05
        done
        if [[ ! -s $dir/sshd.pid ]]; then
            grep -qiE 'address already in use|cannot bind' "$dir/sshd.log" 2>/dev/null && continue
            echo "start-sshd: sshd wrote no pid file; see $dir/sshd.log" >&2
            exit 1
        fi
        printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host_ed25519.pub")" >"$dir/known_hosts"
        echo "GWB_SSHD_PORT=$port"
        echo "GWB_SSHD_DIR=$dir"
        echo "GWB_SSHD_PID=$(cat "$dir/sshd.pid")"
        echo "GWB_SSHD_USER=$user"
        echo "GWB_SSHD_EXTRA_USERS=${extra_users[*]}"
        exit 0
    fi
    if ! grep -qiE 'address already in use|cannot bind' "$dir/sshd.log" 2>/dev/null; then
        echo "start-sshd: sshd did not start:" >&2
        cat "$dir/sshd.log" >&2 || true
        exit 1
    fi
done
echo "start-sshd: no free port found after 40 attempts" >&2
exit 1

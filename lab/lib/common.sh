# Shared definitions of the lab: addresses, paths, process handling, waits.
# Sourced by lab.sh; every path it creates is under $LAB.

LAB_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB_SRC="$LAB_ROOT_DIR/lab"
LAB="$(realpath -m "${LAB_DIR:-$LAB_ROOT_DIR/.lab}")"
TEMPLATES="$LAB_SRC/templates"

# The first two octets of every lab address. Templates say 127.53; another
# value (LAB_NET=127.54) runs a second lab beside the first, with its own
# LAB_DIR.
NET="${LAB_NET:-127.53}"
[[ "$NET" =~ ^127\.[0-9]{1,3}$ ]] || { echo "lab: LAB_NET must look like 127.N" >&2; exit 1; }

TLD="watched."
CONTROL="control."

# Authoritative instances: name, address, zones (name=file under $LAB/zones).
declare -A AUTH_ADDR=(
  [root]=$NET.0.1
  [watched1]=$NET.0.11
  [watched2]=$NET.0.12
  [watched3]=$NET.0.13
  [control]=$NET.0.21
  [children]=$NET.0.31
  [rogue]=$NET.0.66
)
AUTH_ORDER=(root watched1 watched2 watched3 control children rogue)
TLD_INSTANCES=(watched1 watched2 watched3)

# Validating resolvers (vantages).
declare -A RESOLVER_ADDR=(
  [unbound]=$NET.1.1
  [bind]=$NET.1.2
  [knot]=$NET.1.3
  [pdns]=$NET.1.4
)
RESOLVER_ORDER=(unbound bind knot pdns)

WAIT_TRIES="${LAB_WAIT_TRIES:-100}" # times 0.1 s

log() { printf 'lab: %s\n' "$*" >&2; }

die() {
  log "error: $*"
  exit 1
}

# Prints the last lines of a log file to stderr, for a server that failed.
log_tail() {
  local file="$1"
  if [[ -f "$file" ]]; then
    log "last lines of $file:"
    tail -n 25 "$file" | sed 's/^/    /' >&2
  fi
}

# The addresses every server listens on are put on lo as /32s: BIND only
# binds addresses that an interface carries.
ensure_addresses() {
  local present addr
  present="$(ip -4 -o addr show dev lo)"
  for addr in "${AUTH_ADDR[@]}" "${RESOLVER_ADDR[@]}"; do
    if ! grep -q " $addr/32 " <<<"$present"; then
      ip addr add "$addr/32" dev lo || die "cannot add $addr to lo (needs root and CAP_NET_ADMIN)"
    fi
  done
}

# Runs a command in its own session, detached from the caller's stdio, and
# records its pid. Usage: spawn PIDFILE LOGFILE CMD...
spawn() {
  local pidfile="$1" logfile="$2"
  shift 2
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo $! >"$pidfile"
}

proc_alive() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A zombie waiting to be reaped has stopped serving.
  [[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]]
}

pid_alive() {
  [[ -f "$1" ]] && proc_alive "$(cat "$1")"
}

# Stops the process recorded in PIDFILE (and only it): TERM, then KILL after
# a bounded wait.
stop_pid() {
  local pidfile="$1" pid i
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if proc_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      proc_alive "$pid" || break
      sleep 0.1
    done
    if proc_alive "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.1
    fi
  fi
  rm -f "$pidfile"
}

# Waits until ADDR answers a query for NAME/TYPE with NOERROR.
# Usage: wait_answer ADDR NAME TYPE RECURSE(yes|no)
wait_answer() {
  local addr="$1" name="$2" type="$3" rec="$4" i out flag
  flag="+norec"
  [[ "$rec" == yes ]] && flag="+rec"
  for ((i = 0; i < WAIT_TRIES; i++)); do
    out="$(dig "$flag" +tries=1 +time=1 +noall +comments @"$addr" "$name" "$type" 2>/dev/null || true)"
    if grep -q 'status: NOERROR' <<<"$out"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Fills a template: @LAB@, @DIR@, @ADDR@ and any extra KEY=VALUE pairs.
# Usage: render TEMPLATE OUT DIR ADDR [KEY=VALUE...]
render() {
  local template="$1" out="$2" dir="$3" addr="$4" pair key value
  shift 4
  local script="s|@LAB@|$LAB|g; s|@DIR@|$dir|g; s|@ADDR@|$addr|g; s|127\\.53\\.|$NET.|g"
  for pair in "$@"; do
    key="${pair%%=*}"
    value="${pair#*=}"
    script+="; s|@$key@|$value|g"
  done
  sed "$script" "$template" >"$out"
}

# Copies a template that holds lab addresses, moved to $NET.
# Usage: localize TEMPLATE OUT
localize() { sed "s|127\\.53\\.|$NET.|g" "$1" >"$2"; }

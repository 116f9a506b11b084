# Starting, stopping and flushing the lab's servers. Every process runs in the
# foreground of its own session, with its pid in $LAB/<server>/run.pid.

AUTH="$LAB/auth"

# Zones of each authoritative instance: "origin file" pairs, the file taken
# from $ZONES when the lab starts.
auth_zones() {
  case "$1" in
    root) echo ". root.signed" ;;
    watched1 | watched2 | watched3) echo "watched. watched.good" ;;
    control) echo "control. control.signed" ;;
    children) printf '%s\n' "signed.watched. signed.watched.signed" "unsigned.watched. unsigned.watched.zone" ;;
    rogue) echo "watched. rogue.signed" ;;
    *) die "unknown authoritative instance $1" ;;
  esac
}

# Each instance gets its own copy of its zone files, so that a break can hit
# only some of the servers of a zone.
setup_auth() {
  local inst="$1" dir="$AUTH/$1" origin file name
  mkdir -p "$dir"
  render "$TEMPLATES/nsd.conf" "$dir/nsd.conf" "$dir" "${AUTH_ADDR[$inst]}"
  while read -r origin file; do
    name="${origin}zone"
    [[ "$origin" == . ]] && name="root.zone"
    cp "$ZONES/$file" "$dir/$name"
    printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n\n' "$origin" "$name" >>"$dir/nsd.conf"
  done < <(auth_zones "$inst")
  nsd-checkconf "$dir/nsd.conf" || die "bad NSD configuration for $inst"
}

start_auth() {
  local inst="$1" dir="$AUTH/$1" origin
  pid_alive "$dir/run.pid" && return 0
  spawn "$dir/run.pid" "$dir/stderr.log" nsd -d -c "$dir/nsd.conf"
  origin="$(auth_zones "$inst" | head -n 1 | cut -d' ' -f1)"
  if ! wait_answer "${AUTH_ADDR[$inst]}" "$origin" SOA no; then
    log_tail "$dir/nsd.log"
    log_tail "$dir/stderr.log"
    die "authoritative server $inst (${AUTH_ADDR[$inst]}) did not answer"
  fi
}

# Stops an instance and waits until no process of it holds its address
# (NSD's server children exit after the main process).
stop_auth() {
  local addr="${AUTH_ADDR[$1]}" i
  stop_pid "$AUTH/$1/run.pid"
  for ((i = 0; i < 50; i++)); do
    [[ -z "$(ss -Hlnu "src $addr:53" 2>/dev/null)" ]] && return 0
    sleep 0.1
  done
  die "authoritative server $1 still holds $addr:53"
}

# Stops the given instances at once (NSD takes a second or two to exit).
stop_auths() {
  local inst pids=() pid
  for inst in "$@"; do
    stop_auth "$inst" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || die "an authoritative server did not stop"
  done
}

# Serves FILE as the watched TLD on the given instances, restarting them.
deploy_tld() {
  local file="$1" inst
  shift
  for inst in "$@"; do cp "$file" "$AUTH/$inst/watched.zone"; done
  stop_auths "$@"
  for inst in "$@"; do start_auth "$inst"; done
}

resolver_dir() { echo "$LAB/$1"; }

setup_resolver() {
  local name="$1" dir addr ds_line ds_rdata
  dir="$(resolver_dir "$name")"
  addr="${RESOLVER_ADDR[$name]}"
  ds_line="$(cat "$TA/root.ds")"
  ds_rdata="$(cat "$TA/root.ds.rdata")"
  mkdir -p "$dir"
  case "$name" in
    unbound)
      render "$TEMPLATES/unbound.conf" "$dir/unbound.conf" "$dir" "$addr"
      : >"$dir/tamper.conf"
      unbound-checkconf "$dir/unbound.conf" >/dev/null || die "bad Unbound configuration"
      ;;
    bind)
      render "$TEMPLATES/named.conf" "$dir/named.conf" "$dir" "$addr"
      read -r tag alg dt digest <<<"$ds_rdata"
      printf 'trust-anchors {\n  . static-ds %s %s %s "%s";\n};\n' \
        "$tag" "$alg" "$dt" "$digest" >"$dir/trust-anchors.conf"
      rndc-confgen -a -A hmac-sha256 -k lab-rndc -c "$dir/rndc.key" >/dev/null 2>&1 ||
        die "rndc-confgen failed"
      printf 'include "%s/rndc.key";\noptions {\n  default-key "lab-rndc";\n  default-server %s;\n  default-port 953;\n};\n' \
        "$dir" "$addr" >"$dir/rndc.conf"
      named-checkconf "$dir/named.conf" >/dev/null 2>&1 || die "bad BIND configuration"
      ;;
    knot)
      render "$TEMPLATES/kresd.conf" "$dir/kresd.conf" "$dir" "$addr" \
        "ROOT_DS_LINE=$ds_line"
      ;;
    pdns)
      render "$TEMPLATES/recursor.conf" "$dir/recursor.conf" "$dir" "$addr"
      render "$TEMPLATES/recursor.lua" "$dir/recursor.lua" "$dir" "$addr" \
        "ROOT_DS_RDATA=$ds_rdata"
      ;;
    *) die "unknown resolver $name" ;;
  esac
}

start_resolver() {
  local name="$1" dir
  dir="$(resolver_dir "$name")"
  pid_alive "$dir/run.pid" && return 0
  case "$name" in
    unbound) spawn "$dir/run.pid" "$dir/unbound.log" unbound -d -c "$dir/unbound.conf" ;;
    bind) spawn "$dir/run.pid" "$dir/stderr.log" named -f -c "$dir/named.conf" ;;
    knot)
      rm -rf "$dir/cache"
      spawn "$dir/run.pid" "$dir/kresd.log" kresd -n -c "$dir/kresd.conf" "$dir"
      ;;
    pdns) spawn "$dir/run.pid" "$dir/recursor.log" pdns_recursor --config-dir="$dir" ;;
  esac
  # The control zone answering with NOERROR shows the chain from the lab
  # root's trust anchor works.
  if ! wait_answer "${RESOLVER_ADDR[$name]}" "www.$CONTROL" A yes; then
    local f
    for f in "$dir"/*.log; do log_tail "$f"; done
    die "resolver $name (${RESOLVER_ADDR[$name]}) did not answer"
  fi
}

stop_resolver() { stop_pid "$(resolver_dir "$1")/run.pid"; }

resolver_running() { pid_alive "$(resolver_dir "$1")/run.pid"; }

unbound_control() { unbound-control -c "$LAB/unbound/unbound.conf" "$@" >/dev/null; }

# Sends one Lua command to kresd's control socket (Node is the project's own
# runtime; kresc only works on a terminal).
kresd_control() {
  node "$LAB_SRC/lib/kresd-control.mjs" "$LAB/knot/kresd.ctl" "$1" >/dev/null
}

# Empties every cache of a running resolver: records, negative answers, keys,
# bogus entries and what it learned about servers.
flush_resolver() {
  local name="$1" dir
  dir="$(resolver_dir "$name")"
  resolver_running "$name" || return 0
  case "$name" in
    unbound)
      unbound_control flush_zone . &&
        unbound_control flush_bogus &&
        unbound_control flush_negative &&
        unbound_control flush_infra all
      ;;
    bind) rndc -c "$dir/rndc.conf" flush ;;
    knot) kresd_control 'cache.clear()' ;;
    pdns) rec_control --config-dir="$dir" --socket-dir="$dir" wipe-cache '.$' >/dev/null ;;
  esac || die "flushing $name failed"
}

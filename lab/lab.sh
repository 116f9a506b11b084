#!/usr/bin/env bash
# The end-to-end lab: a signed DNS hierarchy on NSD and four validating
# resolvers (Unbound, BIND, Knot Resolver, PowerDNS Recursor), all on
# 127.53.0.0/16, with scripted breaks of the watched TLD. See docs/lab.md.
#
#   lab.sh start | stop | status | flush | heal | addresses | scenarios
#   lab.sh break SCENARIO [RESOLVER]
#
# Everything it generates lives under .lab/ (or $LAB_DIR). Needs root.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=lib/zones.sh
source "$here/lib/zones.sh"
# shellcheck source=lib/servers.sh
source "$here/lib/servers.sh"

SCENARIOS=(expired ds-mismatch corrupt-sigs missing-rrsigs key-removed bad-nsec3-sigs partial tamper vantage-down)
STATE="$LAB/state"

current_state() { cat "$STATE" 2>/dev/null || echo stopped; }

require_tools() {
  local tool missing=()
  for tool in ip ss dig dnssec-keygen dnssec-signzone dnssec-dsfromkey rndc-confgen rndc \
    nsd nsd-checkconf unbound unbound-control unbound-checkconf named named-checkconf \
    kresd pdns_recursor rec_control setsid flock; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (see .ci/run for the packages)"
  [[ "$(id -u)" == 0 ]] || die "the lab needs root (port 53, addresses on lo)"
}

# A DNS server left by a package (started by apt, not by us) that listens on
# a wildcard address takes the lab's sockets: stop it through its service.
# Anything else on this lab's addresses (another lab with the same LAB_NET,
# say) is only reported.
port_53_holders() {
  { ss -Hlnup 'sport = :53'; ss -Hlntp 'sport = :53'; } 2>/dev/null | grep -E "$1" || true
}

free_port_53() {
  local wildcard='(0\.0\.0\.0|\*|\[::\]):53 ' ours proc svc
  ours="${NET//./\\.}\\.[0-9]+\\.[0-9]+:53 "
  for proc in $(port_53_holders "$wildcard" | grep -oE '\(\("[^"]+"' | tr -d '("' | sort -u); do
    case "$proc" in
      named) svc=named ;;
      unbound) svc=unbound ;;
      pdns_recursor) svc=pdns-recursor ;;
      nsd) svc=nsd ;;
      knotd) svc=knot ;;
      *) svc="" ;;
    esac
    if [[ -n "$svc" ]] && command -v service >/dev/null; then
      log "stopping the packaged $svc service, which holds a wildcard port 53"
      service "$svc" stop >/dev/null 2>&1 || true
      sleep 0.5
    fi
  done
  if [[ -n "$(port_53_holders "$wildcard|$ours")" ]]; then
    port_53_holders "$wildcard|$ours" >&2
    die "port 53 is held on a wildcard or lab address by another process"
  fi
}

stop_all() {
  local name
  for name in "${RESOLVER_ORDER[@]}"; do stop_resolver "$name" & done
  wait
  if [[ -d "$AUTH" ]]; then stop_auths "${AUTH_ORDER[@]}"; fi
}

all_running() {
  local name inst
  for inst in "${AUTH_ORDER[@]}"; do pid_alive "$AUTH/$inst/run.pid" || return 1; done
  for name in "${RESOLVER_ORDER[@]}"; do resolver_running "$name" || return 1; done
}

cmd_start() {
  local t0=$SECONDS name inst
  require_tools
  if [[ "$(current_state)" != stopped ]] && all_running; then
    log "already running ($(current_state))"
    return 0
  fi
  stop_all
  rm -rf "$ZONES" "$KEYS" "$TA" "$AUTH" "$LAB"/{unbound,bind,knot,pdns} "$LAB/root.hints"
  free_port_53
  ensure_addresses
  build_zones
  localize "$TEMPLATES/root.hints" "$LAB/root.hints"
  for inst in "${AUTH_ORDER[@]}"; do
    setup_auth "$inst"
    start_auth "$inst"
  done
  for name in "${RESOLVER_ORDER[@]}"; do
    setup_resolver "$name"
    start_resolver "$name"
  done
  echo healthy >"$STATE"
  log "started in $((SECONDS - t0)) s"
}

cmd_stop() {
  stop_all
  [[ -d "$LAB" ]] && echo stopped >"$STATE"
  log "stopped"
}

cmd_status() {
  local name inst ok=0 rc
  printf 'state: %s\n' "$(current_state)"
  for inst in "${AUTH_ORDER[@]}"; do
    rc="down"
    pid_alive "$AUTH/$inst/run.pid" && rc="running"
    [[ "$rc" == down ]] && ok=1
    printf '%-10s %-13s %s\n' "$inst" "${AUTH_ADDR[$inst]}" "$rc"
  done
  for name in "${RESOLVER_ORDER[@]}"; do
    rc="down"
    resolver_running "$name" && rc="running"
    [[ "$rc" == down ]] && ok=1
    printf '%-10s %-13s %s\n' "$name" "${RESOLVER_ADDR[$name]}" "$rc"
  done
  return "$ok"
}

cmd_addresses() {
  local name inst
  for inst in "${AUTH_ORDER[@]}"; do printf 'auth %s %s\n' "$inst" "${AUTH_ADDR[$inst]}"; done
  for name in "${RESOLVER_ORDER[@]}"; do printf 'resolver %s %s\n' "$name" "${RESOLVER_ADDR[$name]}"; done
}

cmd_flush() {
  local name
  for name in "${RESOLVER_ORDER[@]}"; do flush_resolver "$name"; done
}

# Back to the healthy zone on every TLD server, the normal path for every
# resolver, every resolver running, caches empty.
restore() {
  local inst name changed=()
  for inst in "${TLD_INSTANCES[@]}"; do
    cmp -s "$ZONES/watched.good" "$AUTH/$inst/watched.zone" || changed+=("$inst")
  done
  ((${#changed[@]} == 0)) || deploy_tld "$ZONES/watched.good" "${changed[@]}"
  if resolver_running unbound; then
    unbound_control stub_remove "$TLD" 2>/dev/null || true
  fi
  for name in "${RESOLVER_ORDER[@]}"; do start_resolver "$name"; done
}

cmd_heal() {
  local t0=$SECONDS
  [[ "$(current_state)" != stopped ]] || die "the lab is not running"
  restore
  cmd_flush
  echo healthy >"$STATE"
  log "healed in $((SECONDS - t0)) s"
}

cmd_break() {
  local scenario="${1:-}" target="${2:-pdns}" t0=$SECONDS broken="$ZONES/watched.broken"
  [[ " ${SCENARIOS[*]} " == *" $scenario "* ]] ||
    die "unknown scenario '$scenario' (one of: ${SCENARIOS[*]})"
  [[ "$(current_state)" != stopped ]] || die "the lab is not running"
  [[ "$(current_state)" == healthy ]] || restore
  case "$scenario" in
    partial)
      make_broken_tld partial "$broken"
      deploy_tld "$broken" watched1 watched2
      ;;
    tamper)
      # Only Unbound's path to the TLD goes to the rogue server.
      unbound_control stub_add "$TLD" "${AUTH_ADDR[rogue]}" || die "unbound stub_add failed"
      ;;
    vantage-down)
      [[ -n "${RESOLVER_ADDR[$target]:-}" ]] || die "unknown resolver $target"
      stop_resolver "$target"
      ;;
    *)
      make_broken_tld "$scenario" "$broken"
      deploy_tld "$broken" "${TLD_INSTANCES[@]}"
      ;;
  esac
  cmd_flush
  echo "$scenario" >"$STATE"
  log "broke: $scenario in $((SECONDS - t0)) s"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    addresses) cmd_addresses; return ;;
    scenarios) printf '%s\n' "${SCENARIOS[@]}"; return ;;
    start | stop | status | flush | heal | break) ;;
    *) die "usage: lab.sh start|stop|status|flush|heal|addresses|scenarios|break SCENARIO [RESOLVER]" ;;
  esac
  mkdir -p "$LAB"
  # One lab command at a time.
  exec 9>"$LAB/command.lock"
  flock -w 300 9 || die "another lab command holds $LAB/command.lock"
  "cmd_$cmd" "$@"
}

main "$@"

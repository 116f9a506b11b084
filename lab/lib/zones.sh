# Keys, signing and the zone mutations of the break scenarios. Signing uses
# BIND's dnssec-keygen and dnssec-signzone, so every signature is made at lab
# start (or break) time with dates around the current clock.

ZONES="$LAB/zones"
KEYS="$LAB/keys"
TA="$LAB/ta"

# Signature validity of a healthy zone: from an hour ago to 30 days ahead.
sig_start() { date -u -d "${1:--1 hour}" +%Y%m%d%H%M%S; }
sig_end() { date -u -d "${1:-+30 days}" +%Y%m%d%H%M%S; }

# Makes a ZSK and a KSK for ZONE in DIR. Usage: make_keys ZONE ALG BITS DIR
make_keys() {
  local zone="$1" alg="$2" bits="$3" dir="$4" size=()
  mkdir -p "$dir"
  [[ -n "$bits" ]] && size=(-b "$bits")
  dnssec-keygen -q -K "$dir" -a "$alg" "${size[@]}" -n ZONE "$zone" >"$dir/zsk" ||
    die "dnssec-keygen failed for $zone"
  dnssec-keygen -q -K "$dir" -a "$alg" "${size[@]}" -f KSK -n ZONE "$zone" >"$dir/ksk" ||
    die "dnssec-keygen failed for $zone"
}

key_path() { echo "$1/$(cat "$1/$2")"; }

# Signs ZONE from the unsigned file IN into OUT with the ZSK and KSK of
# KEYDIR; DNSKEY signed by the KSK only.
# Usage: sign_zone ZONE IN OUT KEYDIR DENIAL(nsec|nsec3) PUBLISH(both|ksk)
#                  START END [extra dnssec-signzone options...]
sign_zone() {
  local zone="$1" in="$2" out="$3" keydir="$4" denial="$5" publish="$6"
  local start="$7" end="$8" input="$out.in" zsk ksk denial_opts=()
  shift 8
  zsk="$(key_path "$keydir" zsk)"
  ksk="$(key_path "$keydir" ksk)"
  cat "$in" "$ksk.key" >"$input"
  [[ "$publish" == both ]] && cat "$zsk.key" >>"$input"
  # RFC 9276 §3.1: no salt, no additional iterations.
  [[ "$denial" == nsec3 ]] && denial_opts=(-3 - -H 0)
  # In a subshell inside $ZONES: dnssec-signzone leaves dsset- files in the
  # working directory.
  (cd "$ZONES" && dnssec-signzone -q -K "$keydir" -x -O full -N keep -o "$zone" -f "$out" \
    -s "$start" -e "$end" "${denial_opts[@]}" "$@" "$input" "$zsk" "$ksk") \
    >/dev/null 2>"$out.err" || {
    cat "$out.err" >&2
    die "dnssec-signzone failed for $zone"
  }
  rm -f "$input"
}

# The DS (SHA-256, RFC 4509) of the KSK in KEYDIR, as a zone-file line.
ds_line() { dnssec-dsfromkey -2 "$(key_path "$1" ksk).key"; }

# Builds and signs every zone of a healthy lab, children first so that each
# parent carries its children's DS records, and writes the root trust anchor.
build_zones() {
  local z="$ZONES/unsigned" now_start now_end template
  now_start="$(sig_start)"
  now_end="$(sig_end)"
  mkdir -p "$z" "$KEYS" "$TA"
  for template in "$TEMPLATES"/zones/*.zone; do
    localize "$template" "$z/${template##*/}"
  done

  make_keys . RSASHA256 2048 "$KEYS/root"
  make_keys watched. ECDSAP256SHA256 "" "$KEYS/watched"
  make_keys control. ED25519 "" "$KEYS/control"
  make_keys signed.watched. ECDSAP256SHA256 "" "$KEYS/signed.watched"
  make_keys watched. ECDSAP256SHA256 "" "$KEYS/rogue"

  sign_zone signed.watched. "$z/signed.watched.zone" "$ZONES/signed.watched.signed" \
    "$KEYS/signed.watched" nsec both "$now_start" "$now_end"
  cp "$z/unsigned.watched.zone" "$ZONES/unsigned.watched.zone"

  { cat "$z/watched.zone"; ds_line "$KEYS/signed.watched"; } >"$ZONES/watched.zone"
  sign_zone watched. "$ZONES/watched.zone" "$ZONES/watched.good" \
    "$KEYS/watched" nsec3 both "$now_start" "$now_end"

  sign_zone control. "$z/control.zone" "$ZONES/control.signed" \
    "$KEYS/control" nsec both "$now_start" "$now_end"

  {
    cat "$z/root.zone"
    ds_line "$KEYS/watched"
    ds_line "$KEYS/control"
  } >"$ZONES/root.zone"
  sign_zone . "$ZONES/root.zone" "$ZONES/root.signed" \
    "$KEYS/root" nsec both "$now_start" "$now_end"

  sign_zone watched. "$z/rogue.watched.zone" "$ZONES/rogue.signed" \
    "$KEYS/rogue" nsec3 both "$now_start" "$now_end"

  write_trust_anchor
}

# The root KSK's DS in the forms each resolver reads.
write_trust_anchor() {
  local line rdata
  line="$(ds_line "$KEYS/root")"
  rdata="$(awk '{ print $4, $5, $6, $7 }' <<<"$line")"
  echo "$line" >"$TA/root.ds"
  echo "$rdata" >"$TA/root.ds.rdata"
}

# Alters one base64 character of the signature of every RRSIG whose covered
# type matches. Usage: corrupt_rrsigs IN OUT MODE; MODE "data" hits every
# RRSIG except those over DNSKEY, "nsec3" only those over NSEC3.
corrupt_rrsigs() {
  awk -v mode="$3" '
    $4 == "RRSIG" && ((mode == "data" && $5 != "DNSKEY") || (mode == "nsec3" && $5 == "NSEC3")) {
      sig = $13
      c = substr(sig, 5, 1)
      $13 = substr(sig, 1, 4) (c == "A" ? "B" : "A") substr(sig, 6)
    }
    { print }
  ' "$1" >"$2"
}

# Drops every RRSIG except those over the DNSKEY RRset.
strip_rrsigs() {
  awk '!($4 == "RRSIG" && $5 != "DNSKEY")' "$1" >"$2"
}

# Writes the watched TLD's zone for SCENARIO into OUT.
make_broken_tld() {
  local scenario="$1" out="$2" good="$ZONES/watched.good" in="$ZONES/watched.zone"
  case "$scenario" in
    expired)
      # Inception 40 days ago, expiration 10 days ago.
      sign_zone watched. "$in" "$out" "$KEYS/watched" nsec3 both \
        "$(sig_start '-40 days')" "$(sig_end '-10 days')" -P
      ;;
    ds-mismatch)
      # A new key pair; the root still holds the DS of the old KSK.
      [[ -f "$KEYS/watched-rollover/ksk" ]] ||
        make_keys watched. ECDSAP256SHA256 "" "$KEYS/watched-rollover"
      sign_zone watched. "$in" "$out" "$KEYS/watched-rollover" nsec3 both \
        "$(sig_start)" "$(sig_end)"
      ;;
    corrupt-sigs | partial) corrupt_rrsigs "$good" "$out" data ;;
    bad-nsec3-sigs) corrupt_rrsigs "$good" "$out" nsec3 ;;
    missing-rrsigs) strip_rrsigs "$good" "$out" ;;
    key-removed)
      # Data still signed by the ZSK, whose DNSKEY is no longer published.
      sign_zone watched. "$in" "$out" "$KEYS/watched" nsec3 ksk \
        "$(sig_start)" "$(sig_end)" -P
      ;;
    *) die "no zone mutation for scenario $scenario" ;;
  esac
}

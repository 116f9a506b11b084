/**
 * One line of meaning for every configuration key, for the reference in
 * docs/configuration.md (src/config/reference.ts). Keys are as
 * configKeys() names them; `[]` stands for every variant of a list of
 * alternatives (resolvers[], confirmations.sources[]) unless a variant has
 * its own entry. The reasons behind each bound sit beside the schema.
 */
export const MEANINGS: Record<string, string> = {
  trustAnchors: "Trust anchor files; none: the built-in root KSKs.",
  "trustAnchors[].file":
    "DS or DNSKEY records, IANA's root-anchors.xml or a BIND trust-anchors clause; relative to the configuration file.",
  rootServers:
    "Where every walk from the root starts: addresses, or {address, port}. Default: the IANA root servers a to m.",
  "rootServers[].address": "IPv4 or IPv6 address of a root server.",
  "rootServers[].port": "Its DNS port.",
  vantages: "The recursive resolvers probed (CD=0 and CD=1).",
  "vantages[].name":
    "Unique name, 1-63 letters, digits, '.', '_' or '-'; used in metrics and evidence.",
  "vantages[].address": "IP address of the resolver.",
  "vantages[].port": "Its DNS port.",
  "vantages[].transport": "UDP with TCP on truncation (RFC 7766 §5), or TCP from the start.",
  "vantages[].software":
    "Its implementation; counted for thresholds.minImplementations (other counts as one).",
  "vantages[].operator": "Who runs it (evidence only).",
  "vantages[].managed": "True for a resolver this watcher pushes NTAs to.",
  zones: "The watched zones, mostly TLDs.",
  "zones[].name": "The zone's apex (a domain name; the trailing dot is optional).",
  "zones[].canaries":
    'Names probed in the zone: "NAME", "NAME TYPE" or {name, type}; replace the derived canaries.',
  "zones[].canaries[].name": "A name at or below the zone.",
  "zones[].canaries[].type": "The RR type asked.",
  "zones[].signedChild": "A delegation below the zone with a DS, probed for its DS RRset.",
  "zones[].unsignedChild":
    "A delegation below the zone without a DS (its proof of no DS is probed).",
  controlZones:
    "Zones probed beside each watched zone to tell the zone's break from the vantage's or the watcher's (precondition 1). A vantage's answers count only while they validate from it: with none set, no vantage is counted, nothing is proposed, and serve warns at start.",
  probe: "Probe rounds.",
  "probe.interval": "How often each zone is probed; must divide a minute or an hour evenly.",
  "probe.jitter": "Random delay before each round; at most half the interval.",
  "probe.timeout": "Per query attempt.",
  "probe.retries": "Further attempts after a timeout.",
  "probe.concurrency": "Probes in flight at once.",
  "probe.lookupBudget": "Wall time for one validated lookup, the chain included.",
  "probe.rediscoverEvery":
    "How often each zone's authoritative servers are found again from the root.",
  "probe.ipv6": "Probe authoritative servers' IPv6 addresses too.",
  thresholds: "The decision core's thresholds (src/config/thresholds.ts).",
  "thresholds.minVantageShare": "Share of reachable vantages that must fail (widespread).",
  "thresholds.minImplementations": "Distinct resolver implementations that must fail (widespread).",
  "thresholds.minCanaryShare": "Share of canaries that must fail (widespread).",
  "thresholds.consecutiveRounds": "Consecutive failing rounds before a proposal (K).",
  "thresholds.recoveryRounds":
    "Consecutive rounds valid from every vantage and every authoritative server before an NTA is retracted (N; RFC 7646 §4).",
  "thresholds.confirmationMaxAgeSeconds": "How old a confirmation may be and still count.",
  "thresholds.ntaLifetimeDefaultSeconds": "Lifetime offered with a proposal.",
  "thresholds.ntaLifetimeMaxSeconds":
    "Longest lifetime a person may approve (BIND's ceiling: one week).",
  "thresholds.expiryWarningSeconds":
    "Warn when every signature seen for a canary expires within this time.",
  "thresholds.staleExpiredSeconds":
    "Signatures expired longer ago than this mark a stale zone: the proposal offers the longest lifetime.",
  "thresholds.confirmingEdeCodes":
    'Extended DNS Error codes meaning "answered under an NTA"; a vantage answering with one confirms the break.',
  store: "The SQLite store.",
  "store.path": "The SQLite file, relative to the configuration file.",
  "store.observationRetention":
    "How long probe rounds are kept; at least the rounds the assessment reads.",
  api: "The HTTP API, the console and /metrics.",
  "api.listen": "Address to listen on; loopback by default (put a TLS proxy in front).",
  "api.port": "Port (0: any free port).",
  "api.tokens": "Bearer tokens for the API and the console's sign-in.",
  "api.tokens[].name": "The actor recorded in the audit log for acts with this token.",
  "api.tokens[].role":
    "viewer: read only; approver: also confirm, approve, reject, retract, extend.",
  "api.tokens[].file": "File holding the token (give file or env).",
  "api.tokens[].env": "Environment variable holding the token (give file or env).",
  "api.tokens[].generate":
    "With file: write a random token there (mode 0600) at start when the file is missing.",
  "api.publisher": "The name this watcher publishes its NTA feed under.",
  "api.publicNtaFeed": "Serve the NTA feed and its resolver renderings without a token.",
  confirmations: "Confirmation sources (precondition 2).",
  "confirmations.sources":
    "statuspage (an operator's status page), feed (RSS/Atom) or peer (another nta-watch's NTA feed); `kind` chooses.",
  "confirmations.sources[].name": "Unique name of the source.",
  "confirmations.sources[].url": "http or https URL read.",
  "confirmations.sources[].zones":
    "Zones this source is the operator's own status for: an item need not name them.",
  "confirmations.sources[].keywords":
    "Words of which one must appear in an item; the defaults speak of DNSSEC.",
  "confirmations.sources[peer].token": "Token for the peer's feed, from a file or the environment.",
  "confirmations.sources[peer].token.file": "File holding the token.",
  "confirmations.sources[peer].token.env": "Environment variable holding the token.",
  "confirmations.interval": "How often each source is read.",
  "confirmations.timeout": "Per fetch.",
  resolvers: "The resolvers NTAs are pushed to; `adapter` chooses the variant.",
  "resolvers[].name": "Unique name, used in metrics and the ledger.",
  "resolvers[].timeout": "Per control command.",
  "resolvers[unbound].socket": "unbound-control's Unix socket (give socket or host).",
  "resolvers[unbound].host": "unbound-control's address (give socket or host).",
  "resolvers[unbound].port": "Its control-port.",
  "resolvers[unbound].tls": "control-use-cert: yes; files from unbound-control-setup.",
  "resolvers[unbound].tls.serverCert": "unbound_server.pem, from a file or the environment.",
  "resolvers[unbound].tls.serverCert.file": "PEM file.",
  "resolvers[unbound].tls.serverCert.env": "Environment variable holding the PEM text.",
  "resolvers[unbound].tls.clientCert": "unbound_control.pem.",
  "resolvers[unbound].tls.clientCert.file": "PEM file.",
  "resolvers[unbound].tls.clientCert.env": "Environment variable holding the PEM text.",
  "resolvers[unbound].tls.clientKey": "unbound_control.key.",
  "resolvers[unbound].tls.clientKey.file": "PEM file.",
  "resolvers[unbound].tls.clientKey.env": "Environment variable holding the PEM text.",
  "resolvers[unbound].tls.serverName": "Name expected in the server certificate.",
  "resolvers[bind].rndc": "The rndc program (bind9-utils).",
  "resolvers[bind].configFile": "rndc.conf, rndc -c (give configFile or keyFile).",
  "resolvers[bind].keyFile": "rndc key file, rndc -k, with host and port.",
  "resolvers[bind].host": "rndc server address.",
  "resolvers[bind].port": "rndc port.",
  "resolvers[bind].force":
    "Add NTAs with -force so BIND's nta-recheck leaves retraction to nta-watch.",
  "resolvers[bind].view": "The BIND view to apply NTAs in.",
  "resolvers[knot-resolver].sockets": "Knot Resolver 5: every kresd process's control socket.",
  "resolvers[knot-resolver].managementApi":
    "Knot Resolver 6: the manager's HTTP API (what kresctl uses), as its Unix socket path (default /run/knot-resolver/kres-api.sock) or http://address:port; no user or password (the API has none).",
  "resolvers[pdns-recursor].recControl": "The rec_control program.",
  "resolvers[pdns-recursor].socketDir": "rec_control --socket-dir.",
  "resolvers[pdns-recursor].configDir": "rec_control --config-dir.",
  reconcile: "Comparing the NTAs on resolvers with those that should be in force.",
  "reconcile.dryRun": "Only report what would be done; apply nothing.",
  "reconcile.interval": "How often desired and actual NTAs are compared, besides every change.",
  "reconcile.attempts": "Attempts per operation, the first included.",
  "reconcile.backoff": "Wait before the second attempt, doubled each time.",
  "reconcile.backoffCap": "The longest wait between attempts.",
  "reconcile.resolverBudget": "All the work on one resolver in one pass.",
  notify: "Alerts: Slack and signed webhooks, from a durable outbox.",
  "notify.slack": "One Slack incoming webhook.",
  "notify.slack.url": "Its URL (the credential), from a file or the environment.",
  "notify.slack.url.file": "File holding the URL.",
  "notify.slack.url.env": "Environment variable holding the URL.",
  "notify.slack.minSeverity": "Send alerts of at least this severity.",
  "notify.slack.kinds": "Send only these alert kinds, if listed.",
  "notify.webhooks": "Generic webhooks: JSON body version 1, signed (X-NTA-Watch-Signature).",
  "notify.webhooks[].name": "Unique name of the receiver.",
  "notify.webhooks[].url": "http or https URL.",
  "notify.webhooks[].secret":
    "HMAC-SHA256 key shared with the receiver, from a file or the environment.",
  "notify.webhooks[].secret.file": "File holding the secret.",
  "notify.webhooks[].secret.env":
    "Environment variable holding the secret (a missing one stops serve).",
  "notify.webhooks[].minSeverity": "Send alerts of at least this severity.",
  "notify.webhooks[].kinds": "Send only these alert kinds, if listed.",
  "notify.zoneLink": 'Link to a zone in the console; "{zone}" is replaced by the zone.',
  "notify.dedupWindow":
    "The same alert kind for the same zone and state is not sent again within it.",
  "notify.reminderInterval": "How often a waiting proposal is recalled.",
  "notify.retryInitial": "First retry after a failed delivery, doubling.",
  "notify.retryMax": "Longest wait between retries.",
  "notify.maxAttempts": "Attempts before an alert is given up on.",
  "notify.timeout": "Per request.",
  "notify.pollInterval": "How often the sender reads the outbox.",
  earlyWarning: "Warnings before a break.",
  "earlyWarning.expiryHorizonSeconds": "Warn when the zone's signature horizon is this close.",
  "earlyWarning.keyTagChanges": "Notice DNSKEY and DS key-tag changes (rollovers).",
};

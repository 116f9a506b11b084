/**
 * The `nta-watch` command: one sub-command per job. Each sub-command module
 * exports a `run(args)` that resolves to the process exit status.
 */

export type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  "verify-zone": async () => (await import("./verify-zone.js")).run,
  check: async () => (await import("./check.js")).run,
  serve: async () => (await import("./serve.js")).run,
  demo: async () => (await import("./demo.js")).run,
  ...Object.fromEntries(
    (["status", "confirm", "approve", "reject", "retract", "extend", "incident"] as const).map(
      (n) => [
        n,
        async () => {
          const { runOperator } = await import("./operator.js");
          return (args: string[]) => runOperator(n, args);
        },
      ],
    ),
  ),
};

const USAGE = `usage: nta-watch <command> [options]

commands:
  verify-zone FILE --origin NAME [--at TIME] [--anchor FILE] [--json] [--threads N]
      verify every signed RRset of a zone file
  check ZONE --config FILE [--json]
      probe ZONE once from every vantage and authoritative server
  serve --config FILE [--log-level LEVEL]
      run the watcher: probe rounds, decisions, the HTTP API (stops on SIGTERM)
  status [ZONE]                          zones and phases; a zone's preconditions
  confirm ZONE --reference REF [--expires-in DURATION]
  approve ZONE --reason TEXT [--lifetime DURATION]
  reject ZONE --reason TEXT
  retract ZONE --reason TEXT
  extend ZONE --lifetime DURATION --reason TEXT
  incident ZONE|ID [--markdown | --json] the incident's timeline report, Markdown by default
      operator commands, over the API of a running serve: --url URL (NTA_WATCH_URL),
      --token-file FILE (NTA_WATCH_TOKEN), --json
  demo [--simulation | --lab]
      the whole lifecycle of one break, on the lab's real resolvers (as root, with the
      lab's packages) or on a built-in simulation

nta-watch <command> --help (or -h) prints that command's usage.

exit status: 0 ok, 1 a check failed, 2 usage or input error`;

/** Every sub-command the dispatcher knows, in the order of the table above. */
export const COMMAND_NAMES: readonly string[] = Object.keys(commands);

/** What `nta-watch --help` prints. */
export const usage = (): string => USAGE;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`nta-watch: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

/** `nta-watch serve` in a process of its own, for the signal test: argv after the script go to main(). */
import { main } from "../../src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);

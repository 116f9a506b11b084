// Sends one Lua command to a Knot Resolver control socket and prints the
// answer. Usage: node kresd-control.mjs SOCKET COMMAND
import net from "node:net";

const [socketPath, command] = process.argv.slice(2);
if (!socketPath || !command) {
  console.error("usage: kresd-control.mjs SOCKET COMMAND");
  process.exit(2);
}

// The socket greets with a "> " prompt and ends each answer with another one.
const PROMPT = "> ";
let received = "";
const connection = net.connect(socketPath, () => connection.write(`${command}\n`));
connection.setEncoding("utf8");
connection.setTimeout(5000, () => {
  console.error("kresd control socket: no answer within 5 s");
  process.exitCode = 1;
  connection.destroy();
});
connection.on("data", (chunk) => {
  received += chunk;
  const answer = received.startsWith(PROMPT) ? received.slice(PROMPT.length) : received;
  if (answer.endsWith(PROMPT)) {
    process.stdout.write(answer.slice(0, -PROMPT.length));
    connection.end();
  }
});
connection.on("error", (error) => {
  console.error(`kresd control socket: ${error.message}`);
  process.exitCode = 1;
});

/**
 * Running a resolver's control program (rndc, rec_control) with an argument
 * array and no shell, within a time budget. Whatever happens comes back as
 * a value: the program's output, or an adapter error with its message.
 */
import { execFile } from "node:child_process";
import { fail, ok, type Result } from "./types.js";

export interface ExecOutput {
  stdout: string;
  stderr: string;
  /** The exit status; 0 for success. */
  code: number;
}

/** What the adapters call; tests may pass a stand-in. */
export type Runner = (
  file: string,
  args: readonly string[],
  timeoutMs: number,
) => Promise<Result<ExecOutput>>;

/**
 * Runs `file` with `args`. A missing program is `unsupported`, a program
 * killed at the deadline `timeout`; a non-zero exit is still an output (the
 * adapter reads the program's own message).
 */
export const runProgram: Runner = (file, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        timeout: timeoutMs,
        killSignal: "SIGKILL",
        encoding: "utf8",
        maxBuffer: 4 << 20,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) {
          resolve(ok({ stdout, stderr, code: 0 }));
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (e.code === "ENOENT" || e.code === "EACCES") {
          resolve(fail("unsupported", `cannot run ${file}: ${String(e.code)}`));
        } else if (e.killed) {
          resolve(fail("timeout", `${file} gave no answer within ${timeoutMs} ms`));
        } else if (typeof e.code === "number") {
          resolve(ok({ stdout, stderr, code: e.code }));
        } else {
          resolve(fail("unreachable", `${file}: ${e.message}`));
        }
      },
    );
  });

/** The program's words for a failure: stderr, else stdout, on one line. */
export function programMessage(out: ExecOutput): string {
  const text = (out.stderr.trim() || out.stdout.trim()).replace(/\s*\n\s*/g, "; ");
  return text === "" ? `exit status ${out.code}` : text;
}

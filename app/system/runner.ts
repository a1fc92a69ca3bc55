// The one door through which the core runs programs: argv arrays only, never a shell,
// so that tests can inject a fake and no argument is ever parsed by sh.
import { spawn } from "node:child_process";

export interface RunOptions {
  /** Kill the process after this many milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Bytes written to standard input, then closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each chunk of standard output as it arrives (progress streams). */
  onStdout?: (chunk: string) => void;
}

export interface RunResult {
  /** Exit status, or null when the process was killed by a signal or not started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

export interface Runner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** Runs real programs with child_process.spawn (shell: false). */
export const systemRunner: Runner = {
  run(command, args, options = {}) {
    return new Promise((resolve) => {
      const child = spawn(command, [...args], {
        shell: false,
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      let spawnError: NodeJS.ErrnoException | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, options.timeoutMs ?? 60_000);
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        stdout += c;
        options.onStdout?.(c);
      });
      child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      child.on("error", (e: NodeJS.ErrnoException) => (spawnError = e));
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.input ?? "");
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, timedOut, ...(spawnError ? { spawnError } : {}) });
      });
    });
  },
};

// The root helper's own door to programs. It mirrors app/system/runner.ts on purpose: the helper
// runs as root and must not load anything from app/ (code a user may have changed), so it keeps
// its own copy of this small spawn wrapper. argv arrays only, never a shell, absolute paths only.
import { spawn } from "node:child_process";

export interface HelperRunOptions {
  /** Kill the process after this many milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Bytes written to standard input, then closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Give the program the helper's own terminal (stdin/stdout/stderr), for a prompt like mokutil's password. */
  interactive?: boolean;
}

export interface HelperRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

/** Structurally the same as app/system/runner.ts `Runner`, so one fake serves both sides in tests. */
export interface HelperRunner {
  run(command: string, args: readonly string[], options?: HelperRunOptions): Promise<HelperRunResult>;
}

/** Programs started by the helper see only this environment: no user PATH, no user locale. */
export const HELPER_ENV: NodeJS.ProcessEnv = {
  PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C",
  LC_ALL: "C",
};

export const spawnRunner: HelperRunner = {
  run(command, args, options = {}) {
    if (!command.startsWith("/"))
      throw new Error(`refusing to run a program without an absolute path: ${command}`);
    return new Promise((resolve) => {
      const child = spawn(command, [...args], {
        shell: false,
        env: options.env ?? HELPER_ENV,
        cwd: options.cwd ?? "/",
        stdio: options.interactive ? "inherit" : ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      let spawnError: NodeJS.ErrnoException | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, options.timeoutMs ?? 60_000);
      child.stdout?.setEncoding("utf8").on("data", (c: string) => (stdout += c));
      child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      child.on("error", (e: NodeJS.ErrnoException) => (spawnError = e));
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(options.input ?? "");
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, timedOut, ...(spawnError ? { spawnError } : {}) });
      });
    });
  },
};

/** One line saying why a command failed, for the journal and the error event. */
export function describeFailure(argv: readonly string[], r: HelperRunResult): string {
  const what = argv.join(" ");
  if (r.spawnError) return `${what}: could not start (${r.spawnError.code ?? r.spawnError.message})`;
  if (r.timedOut) return `${what}: timed out`;
  const tail = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-3).join(" | ");
  return `${what}: exit ${r.code ?? r.signal}${tail ? `: ${tail}` : ""}`;
}

// Where CLI commands write, injectable so tests can capture output without spawning a process.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (colours, live lines). */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
};

/** Collects output in memory (tests). */
export function memoryIo(env: NodeJS.ProcessEnv = {}): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    isTty: false,
    env,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

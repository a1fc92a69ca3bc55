// A whole fake computer for the contract's tests and the end-to-end tests: a fixture tree (laid out
// like the kernel's sysfs) copied into the root helper's FakeMachine, so detection, the user-side
// read-back and the helper all see the same files; pkexec is played by a runner that runs the
// helper's core in-process on that machine, and can be told to act as a cancelled prompt.
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunResult, Runner } from "../../app/system/runner.js";
import { HELPER_PATH, PKEXEC_CANDIDATES, POLICY_PATH } from "../../app/elevation/paths.js";
import { helperVia } from "../../app/api/production.js";
import type { ServiceDeps } from "../../app/api/service-deps.js";
import { runHelper } from "../../driver/helper/run.js";
import { FakeMachine, KVER } from "../../driver/helper/testing/fake-machine.js";

export const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));

export type PkexecMode = "ok" | "cancelled" | "not-authorized";

export class FakeWorld {
  readonly machine = new FakeMachine();
  /** What the next pkexec calls do (a dismissed dialog is exit 126). */
  pkexec: PkexecMode = "ok";
  /** Every helper argv, in order. */
  readonly helperCalls: string[][] = [];

  constructor(fixture = "amd-strix-qna-t310g1s-stock") {
    const m = this.machine;
    // The fixture's sysfs replaces the machine's hand-made one; the machine's link files then live in it.
    rmSync(m.p("/sys/class/net"), { recursive: true, force: true });
    rmSync(m.p("/sys/bus/pci/drivers/atlantic"), { recursive: true, force: true });
    cpSync(join(FIXTURES, fixture, "sys"), m.p("/sys"), {
      recursive: true,
      verbatimSymlinks: true,
      force: true,
    });
    cpSync(join(FIXTURES, fixture, "proc"), m.p("/proc"), {
      recursive: true,
      verbatimSymlinks: true,
      force: true,
    });
    m.write("/proc/sys/kernel/osrelease", `${KVER}\n`);
    m.write(`/lib/modules/${KVER}/build/Makefile`, "# kernel headers\n");
    m.setLink(true, true);
    this.installHelper();
  }

  get root(): string {
    return this.machine.root;
  }

  installHelper(): void {
    for (const p of [HELPER_PATH, POLICY_PATH, PKEXEC_CANDIDATES[0]]) this.machine.write(p, "");
  }

  removeHelper(): void {
    rmSync(this.machine.p(HELPER_PATH), { force: true });
  }

  /** The service's runner: pkexec runs the helper on the machine; everything else is the machine's. */
  readonly runner: Runner = {
    run: async (command, args, options): Promise<RunResult> => {
      if ((PKEXEC_CANDIDATES as readonly string[]).includes(command) && args[0] === HELPER_PATH) {
        if (this.pkexec === "cancelled")
          return {
            code: 126,
            signal: null,
            stdout: "",
            stderr: "Error executing command as another user: Request dismissed\n",
            timedOut: false,
          };
        if (this.pkexec === "not-authorized")
          return {
            code: 127,
            signal: null,
            stdout: "",
            stderr: "Error executing command as another user: Not authorized\n",
            timedOut: false,
          };
        const argv = args.slice(1);
        this.helperCalls.push([...argv]);
        let stdout = "";
        const code = await runHelper(argv, {
          ...this.machine,
          root: this.machine.root,
          runner: this.machine.runner,
          clock: this.machine.clock,
          prepareDkmsSource: this.machine.prepareDkmsSource,
          carrierTimeoutMs: 20_000,
          out: (line) => {
            stdout += line;
            options?.onStdout?.(line);
          },
        });
        return { code, signal: null, stdout, stderr: "", timedOut: false };
      }
      return this.machine.runner.run(command, args, options);
    },
  };

  deps(over: Partial<ServiceDeps> = {}): ServiceDeps {
    return {
      root: this.root,
      captured: false,
      face: "web",
      runner: this.runner,
      helper: helperVia(this.runner, this.root),
      dataDir: join(this.root, "home/user/.local/share/tenbolt"),
      configDir: join(this.root, "home/user/.config/tenbolt"),
      logDir: join(this.root, "home/user/.local/state/tenbolt"),
      autostart: null,
      ...over,
    };
  }

  cleanup(): void {
    this.machine.cleanup();
  }
}

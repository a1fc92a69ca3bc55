// `tenbolt driver status|install|uninstall|enroll-mok`; `driver build` lives in driver-build.ts.
import { spawn } from "node:child_process";
import type { RegisterCommand } from "./commands.js";
import { commandGroup } from "./group.js";
import { systemRunner } from "../system/runner.js";
import { UserError } from "../errors.js";
import { driverStatus, renderDriverStatus } from "../driver/status.js";
import { planInstall, planUninstall, runDriverPlan, type DriverFlowDeps } from "../driver/manage.js";
import { formatEvent } from "../presets/apply.js";
import { systemHelper } from "../elevation/production.js";
import { helperInstalled } from "../elevation/helper-client.js";
import { sudoPromptBootstrap } from "../elevation/bootstrap.js";
import { HELPER_PATH, PKEXEC_CANDIDATES } from "../elevation/paths.js";
import { classifyPkexec, elevationError } from "../elevation/failures.js";
import { existsSync } from "node:fs";

interface Flags {
  kernel?: string;
  source?: string;
  dryRun?: boolean;
}

/** mokutil asks for its one-time password on the terminal, so this verb runs with the terminal attached. */
async function enrollOnTerminal(): Promise<void> {
  if (!helperInstalled()) await sudoPromptBootstrap().install();
  const pkexec = PKEXEC_CANDIDATES.find((p) => existsSync(p));
  if (!pkexec) throw elevationError("no-pkexec");
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(pkexec, [HELPER_PATH, "enroll-mok"], { stdio: "inherit", shell: false });
    child.on("error", () => resolve(null));
    child.on("close", (c) => resolve(c));
  });
  const f = classifyPkexec({ code, signal: null, stdout: "", stderr: "", timedOut: false });
  if (f) throw elevationError(f);
  if (code !== 0) throw new UserError("the enrollment request failed (see the messages above)");
}

export const registerDriverManage: RegisterCommand = (program, io) => {
  const group = commandGroup(program, "driver", "the patched atlantic driver: build, install, status");
  const deps = (): DriverFlowDeps => ({
    root: "/",
    runner: systemRunner,
    helper: systemHelper(),
    out: (t) => io.out(t),
    formatEvent,
  });
  group
    .command("status")
    .description("which atlantic is loaded, what Tenbolt installed, Secure Boot")
    .option("--json", "machine-readable output")
    .action(async (flags: { json?: boolean }) => {
      const s = await driverStatus("/", systemRunner);
      io.out(flags.json ? JSON.stringify(s, null, 2) + "\n" : renderDriverStatus(s));
    });
  group
    .command("install")
    .description("build and install the patched atlantic through DKMS, then load it (rolls back on failure)")
    .option("--kernel <KVER>", "kernel release (default: the running kernel)")
    .option("--source <PATH>", "kernel source tree or tarball under /usr/src (default: linux-source-X.Y)")
    .option("--dry-run", "print every command and file change, do nothing")
    .action(async (flags: Flags) => {
      const plan = await planInstall("/", systemRunner, flags.kernel, flags.source);
      await runDriverPlan("Install the patched atlantic", plan, Boolean(flags.dryRun), deps());
    });
  group
    .command("uninstall")
    .description("remove Tenbolt's atlantic and go back to the stock driver exactly")
    .option("--kernel <KVER>", "kernel release (default: the running kernel)")
    .option("--dry-run", "print every command and file change, do nothing")
    .action(async (flags: Flags) => {
      const plan = planUninstall("/", systemRunner, flags.kernel);
      await runDriverPlan("Remove the patched atlantic", plan, Boolean(flags.dryRun), deps());
    });
  group
    .command("enroll-mok")
    .description("Secure Boot: request enrollment of the DKMS signing key (one-time password, then reboot)")
    .action(async () => {
      io.out(
        "You will choose a one-time password. At the next boot the blue MokManager screen appears:\n" +
          "choose 'Enroll MOK', 'Continue', 'Yes', type that password, then 'Reboot'.\n",
      );
      await enrollOnTerminal();
      io.out("Enrollment requested. Reboot, confirm in MokManager, then run `tenbolt driver install`.\n");
    });
};

// The one-time bootstrap for AppImage, CLI and source runs: @vscode/sudo-prompt runs the fixed
// install script (build/install-helper.sh of this Tenbolt copy), which copies the helper and the
// polkit policy into place. The command string is built only from that fixed path, never from input.
import sudo from "@vscode/sudo-prompt";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";
import { classifySudoPrompt, elevationError } from "./failures.js";
import type { Bootstrapper } from "./helper-client.js";

export type SudoExec = (
  cmd: string,
  options: { name: string },
  cb: (error?: Error, stdout?: string | Buffer, stderr?: string | Buffer) => void,
) => void;

/** Where this copy of Tenbolt keeps its install script: <package>/build/install-helper.sh. */
export function installScriptPath(): string {
  // dist/app/elevation/bootstrap.js -> package root is three levels up.
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, "..", "..", "..", "build", "install-helper.sh");
}

/** The exact command handed to sudo-prompt; refuses a path that would need quoting. */
export function bootstrapCommand(script: string): string {
  if (!/^\/[A-Za-z0-9/._+-]+$/.test(script))
    throw new UserError(
      `cannot install the helper from ${script}: the path has characters that would need quoting`,
      "move Tenbolt to a plain directory",
    );
  return `/bin/sh ${script}`;
}

export function sudoPromptBootstrap(
  exec: SudoExec = sudo.exec as SudoExec,
  script = installScriptPath(),
): Bootstrapper {
  return {
    install: () =>
      new Promise<void>((resolveP, reject) => {
        if (
          !existsSync(script) ||
          !existsSync(join(dirname(script), "polkit", "org.tenbolt.helper.policy"))
        ) {
          reject(elevationError("helper-missing"));
          return;
        }
        exec(bootstrapCommand(script), { name: "Tenbolt" }, (error, _stdout, stderr) => {
          if (!error) return resolveP();
          const f = classifySudoPrompt(error.message);
          if (f === "not-authorized" && stderr)
            reject(
              new UserError(`installing the helper failed: ${String(stderr).trim().split("\n").at(-1)}`),
            );
          else reject(elevationError(f));
        });
      }),
  };
}

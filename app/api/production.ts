// The service's dependencies on a real machine: the system runner, pkexec with the one-time
// bootstrap, the XDG directories. A captured tree (`--root DIR`) gets a runner that runs nothing and
// a helper that refuses, so no face can change this computer while it shows another one's tree.
import { resolve } from "node:path";
import { systemRunner, type Runner } from "../system/runner.js";
import { callHelper, type Bootstrapper } from "../elevation/helper-client.js";
import { sudoPromptBootstrap } from "../elevation/bootstrap.js";
import { tenboltDataDir } from "../history/paths.js";
import { tenboltConfigDir, tenboltStateDir } from "../settings/store.js";
import type { Autostart, HelperCall, ServiceDeps } from "./service-deps.js";
import { capturedRefusal } from "./service.js";

/** Runs nothing: a captured tree is read, never acted on. */
export const refusingRunner: Runner = {
  async run(command) {
    const err = Object.assign(new Error(`not run on a captured tree: ${command}`), { code: "ENOENT" });
    return { code: null, signal: null, stdout: "", stderr: "", spawnError: err, timedOut: false };
  },
};

/** The root helper through pkexec (argv only) on `runner`, installed first by `bootstrap` when missing. */
export function helperVia(runner: Runner, root = "/", bootstrap?: Bootstrapper): HelperCall {
  return (args, onEvent) => callHelper(args, { runner, root, onEvent, ...(bootstrap ? { bootstrap } : {}) });
}

export interface ProductionOptions {
  /** Detection root; anything but "/" is a captured tree. */
  root?: string;
  face: "electron" | "web";
  env?: NodeJS.ProcessEnv;
  autostart?: Autostart | null;
  versions?: { electron: string | null; chromium: string | null };
}

export function productionDeps(o: ProductionOptions): ServiceDeps {
  const root = resolve(o.root ?? "/");
  const captured = root !== "/";
  const env = o.env ?? process.env;
  return {
    root,
    captured,
    face: o.face,
    runner: captured ? refusingRunner : systemRunner,
    helper: captured
      ? () => Promise.reject(capturedRefusal(root))
      : helperVia(systemRunner, "/", sudoPromptBootstrap()),
    dataDir: tenboltDataDir(env),
    configDir: tenboltConfigDir(env),
    logDir: tenboltStateDir(env),
    autostart: captured ? null : (o.autostart ?? null),
    ...(o.versions ? { versions: o.versions } : {}),
  };
}

// One helper at a time: an exclusive lock file holding the owner's pid. A lock whose owner is gone
// (power cut, kill -9) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { ensureDir } from "./fsutil.js";
import { PATHS } from "./paths.js";
import type { System } from "./system.js";
import { HelperError } from "./context.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireLock(sys: System): () => void {
  ensureDir(sys.path(PATHS.stateDir), 0o755);
  const file = sys.path(PATHS.lock);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new HelperError(
          `another tenbolt-helper (pid ${pid}) is running`,
          "busy",
          "wait for it to finish",
        );
      rmSync(file, { force: true });
    }
  }
  throw new HelperError("cannot take the helper lock", "busy");
}

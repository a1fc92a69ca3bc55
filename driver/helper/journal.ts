// The helper's journal: before a step changes anything, the way to undo it is written to
// /var/lib/tenbolt/journal/<id>.json (atomically, fsynced). When a step fails, every started step is
// undone in reverse order, and the link or module is put back last, once the files are back.
import { randomBytes } from "node:crypto";
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { atomicCopy, atomicWrite, ensureDir, fileMode, removeFile } from "./fsutil.js";
import { PATHS, type ToolName } from "./paths.js";
import { CommandFailed, type System } from "./system.js";

/** How to undo one change. Data, not code, so an interrupted run can be rolled back by the next one. */
export type UndoAction =
  /** Put a file back as it was: restore the backed-up bytes, or delete it if it did not exist. */
  | { kind: "restore-file"; path: string; backup: string | null; mode: number | null }
  /** Delete a directory tree this step is about to create. */
  | { kind: "remove-tree"; path: string }
  /**
   * Written by helpers before 0.1.1: "delete whatever new DKMS tree appeared". Never executed any more
   * (it selected by pattern and could delete a foreign tree); recovery logs it and leaves /usr/src alone.
   */
  | { kind: "remove-new-dkms-trees"; dir: string; keep: string[] }
  /** Put back a directory tree from its backup copy (a package the step will replace). */
  | { kind: "restore-tree"; path: string; backup: string }
  /** Move a directory this step is about to move aside back into place. */
  | { kind: "move-back"; from: string; to: string }
  /** Run a program (dkms remove...). `bestEffort`: a failure is logged, not fatal (it may already be undone). */
  | { kind: "run"; tool: ToolName; args: string[]; bestEffort: boolean }
  /** Write a value back into a sysfs attribute. */
  | { kind: "write-sysfs"; path: string; value: string }
  /** Set an interface's RX ring size back (ethtool -G reopens a running interface). */
  | { kind: "set-rx-ring"; iface: string; rx: number; hadCarrier: boolean }
  /** Cycle an interface after the files are back, so the old ring order is in effect. Deferred to the end. */
  | { kind: "flap-link"; iface: string; hadCarrier: boolean }
  /** Reload atlantic after the files are back, so the previous module is loaded. Deferred to the end. */
  | {
      kind: "reload-module";
      wasPatched: boolean;
      ifaces: { iface: string; up: boolean; hadCarrier: boolean }[];
    };

export type StepStatus = "started" | "done" | "failed" | "undone" | "undo-failed";

export interface JournalStep {
  name: string;
  /** What the step does, in words (for the user and the log). */
  description: string;
  undo: UndoAction[];
  status: StepStatus;
  error?: string;
  at: string;
}

export type JournalStatus = "running" | "done" | "rolled-back" | "rollback-incomplete";

export interface JournalRecord {
  id: string;
  verb: string;
  args: string[];
  startedAt: string;
  status: JournalStatus;
  steps: JournalStep[];
  /** What happened, line by line (failures, rollback results). */
  log: string[];
}

export type Emit = (event: Record<string, unknown>) => void;

export const CARRIER_TIMEOUT_MS = 20_000;

export class Journal {
  private backups = 0;
  private commitHooks: (() => void)[] = [];

  private constructor(
    private readonly sys: System,
    readonly record: JournalRecord,
    private readonly emit: Emit,
    private readonly carrierTimeoutMs: number,
  ) {}

  static begin(sys: System, verb: string, args: string[], emit: Emit, carrierTimeoutMs = CARRIER_TIMEOUT_MS) {
    const when = new Date(sys.clock.now());
    // Time first so names sort by start; a random tail keeps two runs in the same millisecond apart.
    const id = `${when.toISOString().replace(/[:.]/g, "-")}-${verb}-${randomBytes(3).toString("hex")}`;
    const j = new Journal(
      sys,
      { id, verb, args, startedAt: when.toISOString(), status: "running", steps: [], log: [] },
      emit,
      carrierTimeoutMs,
    );
    j.save();
    return j;
  }

  /** Journals left "running" by a helper that died (power cut, kill): roll them back before anything new. */
  static unfinished(sys: System, emit: Emit, carrierTimeoutMs = CARRIER_TIMEOUT_MS): Journal[] {
    let names: string[];
    try {
      names = readdirSync(sys.path(PATHS.journalDir)).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    const records: JournalRecord[] = [];
    for (const n of names.sort()) {
      try {
        records.push(JSON.parse(readFileSync(sys.path(`${PATHS.journalDir}/${n}`), "utf8")) as JournalRecord);
      } catch {
        // Written atomically, so unreadable means damaged by something else: leave it for a human.
        emit({ event: "warning", message: `unreadable journal ${PATHS.journalDir}/${n} skipped` });
      }
    }
    return records
      .filter((r) => r.status === "running")
      .map((r) => new Journal(sys, r, emit, carrierTimeoutMs));
  }

  get path(): string {
    return `${PATHS.journalDir}/${this.record.id}.json`;
  }

  private save(): void {
    ensureDir(this.sys.path(PATHS.journalDir), 0o700);
    atomicWrite(this.sys.path(this.path), JSON.stringify(this.record, null, 2) + "\n", 0o600);
  }

  note(line: string): void {
    this.record.log.push(`${new Date(this.sys.clock.now()).toISOString()} ${line}`);
    this.save();
  }

  /** Undo for "this file will change": back the current bytes up first (or note that it is absent). */
  fileUndo(path: string): UndoAction {
    const host = this.sys.path(path);
    if (!this.sys.exists(path)) return { kind: "restore-file", path, backup: null, mode: null };
    const backup = `${PATHS.backupDir}/${this.record.id}/${++this.backups}`;
    atomicCopy(host, this.sys.path(backup));
    return { kind: "restore-file", path, backup, mode: fileMode(host) };
  }

  /** Undo for "this directory tree may be replaced": copy it to the backup area first. */
  treeUndo(path: string): UndoAction {
    const backup = `${PATHS.backupDir}/${this.record.id}/${++this.backups}`;
    cpSync(this.sys.path(path), this.sys.path(backup), { recursive: true, preserveTimestamps: true });
    return { kind: "restore-tree", path, backup };
  }

  /**
   * Runs one step: records its undo actions (durably) first, then does it. A thrown error marks the
   * step failed and is re-thrown; the caller then calls rollback().
   */
  async step<T>(
    name: string,
    description: string,
    undo: UndoAction[],
    action: () => Promise<T> | T,
  ): Promise<T> {
    const step: JournalStep = {
      name,
      description,
      undo,
      status: "started",
      at: new Date(this.sys.clock.now()).toISOString(),
    };
    this.record.steps.push(step);
    this.save();
    this.emit({ event: "step", step: name, status: "start", description });
    try {
      const result = await action();
      step.status = "done";
      this.save();
      this.emit({ event: "step", step: name, status: "done" });
      return result;
    } catch (e) {
      step.status = "failed";
      step.error = e instanceof Error ? e.message : String(e);
      this.save();
      this.emit({ event: "step", step: name, status: "failed", message: step.error });
      throw e;
    }
  }

  /** Cleanup that must wait until the run succeeded (deleting what was moved aside). */
  onCommit(hook: () => void): void {
    this.commitHooks.push(hook);
  }

  /** The run succeeded: mark it done and drop the backups it no longer needs. */
  commit(): void {
    this.record.status = "done";
    this.save();
    for (const hook of this.commitHooks) hook();
    rmSync(this.sys.path(`${PATHS.backupDir}/${this.record.id}`), { recursive: true, force: true });
  }

  /** Undoes every started step in reverse; link and module actions run last. Returns true when complete. */
  async rollback(reason: string): Promise<boolean> {
    this.note(`rollback: ${reason}`);
    let complete = true;
    // Link-level undos wait until files and parameters are back, so that reopening the interface
    // (or reloading the module) brings back the old page order too.
    const deferred: UndoAction[] = [];
    for (const step of [...this.record.steps].reverse()) {
      if (step.status === "undone") continue;
      let ok = true;
      for (const action of step.undo) {
        if (action.kind === "flap-link" || action.kind === "reload-module" || action.kind === "set-rx-ring") {
          deferred.push(action);
          continue;
        }
        try {
          await this.undoOne(action);
        } catch (e) {
          ok = false;
          this.note(`undo of ${step.name} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      step.status = ok ? "undone" : "undo-failed";
      complete &&= ok;
      this.save();
      this.emit({ event: "rollback", step: step.name, status: step.status });
    }
    // A module reload recreates every interface; otherwise a ring reset reopens the interface, which
    // makes a separate flap of the same interface redundant.
    const reload = deferred.find((a) => a.kind === "reload-module");
    const rings = deferred.filter((a) => a.kind === "set-rx-ring");
    const ringIfaces = new Set(rings.map((a) => (a.kind === "set-rx-ring" ? a.iface : "")));
    const flaps = deferred.filter((a) => a.kind === "flap-link" && !ringIfaces.has(a.iface));
    const last = [...(reload ? [reload] : []), ...rings, ...flaps];
    for (const action of last) {
      try {
        await this.undoOne(action);
      } catch (e) {
        complete = false;
        this.note(`final ${action.kind} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.record.status = complete ? "rolled-back" : "rollback-incomplete";
    this.save();
    if (complete)
      rmSync(this.sys.path(`${PATHS.backupDir}/${this.record.id}`), { recursive: true, force: true });
    return complete;
  }

  private async needCarrier(iface: string): Promise<void> {
    if (!(await this.sys.waitForCarrier(iface, this.carrierTimeoutMs)))
      throw new Error(`${iface} has no carrier ${this.carrierTimeoutMs / 1000} s after the rollback`);
  }

  private async undoOne(a: UndoAction): Promise<void> {
    const sys = this.sys;
    switch (a.kind) {
      case "restore-file":
        if (a.backup === null) removeFile(sys.path(a.path));
        else atomicWrite(sys.path(a.path), readFileSync(sys.path(a.backup)), a.mode ?? 0o644);
        return;
      case "remove-tree":
        rmSync(sys.path(a.path), { recursive: true, force: true });
        return;
      case "remove-new-dkms-trees":
        this.note(
          `not removing "new" trees under ${a.dir}: an old journal's pattern undo, skipped on purpose`,
        );
        return;
      case "restore-tree":
        rmSync(sys.path(a.path), { recursive: true, force: true });
        cpSync(sys.path(a.backup), sys.path(a.path), { recursive: true, preserveTimestamps: true });
        return;
      case "move-back":
        if (sys.exists(a.from)) {
          rmSync(sys.path(a.to), { recursive: true, force: true });
          renameSync(sys.path(a.from), sys.path(a.to));
        }
        return;
      case "run": {
        try {
          await sys.run(a.tool, a.args);
        } catch (e) {
          if (!a.bestEffort) throw e;
          this.note(`(tolerated) ${e instanceof CommandFailed ? e.message : String(e)}`);
        }
        return;
      }
      case "write-sysfs":
        // sysfs attributes are written in place: no temp file, no rename.
        writeFileSync(sys.path(a.path), a.value + "\n");
        return;
      case "set-rx-ring": {
        // ethtool refuses a "change" to the current size; then a flap still reallocates the rings
        // at the restored page order.
        const ring = await sys.rxRing(a.iface);
        if (ring?.current !== a.rx) await sys.run("ethtool", ["-G", a.iface, "rx", String(a.rx)]);
        else if (sys.link(a.iface).up) {
          await sys.run("ip", ["link", "set", "dev", a.iface, "down"]);
          await sys.run("ip", ["link", "set", "dev", a.iface, "up"]);
        }
        if (a.hadCarrier) await this.needCarrier(a.iface);
        return;
      }
      case "flap-link":
        await sys.run("ip", ["link", "set", "dev", a.iface, "down"]);
        await sys.run("ip", ["link", "set", "dev", a.iface, "up"]);
        if (a.hadCarrier) await this.needCarrier(a.iface);
        return;
      case "reload-module":
        // Already the module that was loaded before (the reload itself failed early): no second flap.
        if (!sys.moduleLoaded() || (sys.rxPageOrder() !== null) !== a.wasPatched) {
          if (sys.moduleLoaded()) await sys.run("rmmod", ["atlantic"]);
          await sys.run("modprobe", ["atlantic"]);
        }
        for (const l of a.ifaces) {
          if (l.up && sys.ifaceExists(l.iface)) await sys.run("ip", ["link", "set", "dev", l.iface, "up"]);
        }
        for (const l of a.ifaces) if (l.hadCarrier) await this.needCarrier(l.iface);
        return;
    }
  }
}

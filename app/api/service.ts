// The one service behind the contract: every face's call lands here (after dispatch() validated it)
// and is answered by composing the core's rooms. Long work runs as a job with events; only one job
// runs at a time, because a speed test during a link flap, or two helper runs, measure or change
// nothing useful.
import { UserError } from "../errors.js";
import { VERSION } from "../version.js";
import { HELPER_PATH } from "../elevation/paths.js";
import type { HelperEvent } from "../elevation/helper-client.js";
import { driverStatus, type DriverStatus } from "../driver/status.js";
import { planInstall, planUninstall, type DriverPlan } from "../driver/manage.js";
import { PRESETS, presetList, type PresetName } from "../presets/catalog.js";
import { NOT_PRESETS } from "../presets/explain.js";
import { plan as presetPlan, revertPlan, type Plan } from "../presets/plan.js";
import { readLinkSnapshot, readQueueLayout } from "../presets/snapshot.js";
import { applyPresetFlow, revertPresetFlow, type PresetFlowDeps } from "../presets/apply.js";
import { readUserState } from "../presets/user-state.js";
import { rxMemory } from "../presets/memory.js";
import { listResults, saveResult, historyContext } from "../history/index.js";
import { compareEntries } from "../history/compare.js";
import { readSettings, writeSettings, withRecent } from "../settings/store.js";
import { keyState, MOK_EXPLANATION, readSigningState } from "../../driver/helper/secureboot.js";
import { System, realClock } from "../../driver/helper/system.js";
import type { Report } from "../detect/report.js";
import type { Runner } from "../system/runner.js";
import type {
  ApiEvent,
  AppState,
  DriverPlanView,
  JobKind,
  MethodResult,
  PresetCard,
  PresetPlanView,
  PresetTarget,
} from "./contract.js";
import type { ServiceMethods } from "./dispatch.js";
import { toApiError } from "./dispatch.js";
import { helperEventToApi } from "./helper-events.js";
import { detectReport } from "./report.js";
import type { HotplugChange, ServiceDeps, TenboltService } from "./service-deps.js";
import { runSpeedtestJob } from "./speedtest-job.js";

export function capturedRefusal(root: string): UserError {
  return new UserError(
    `this is a captured tree (${root}): nothing on this machine is changed`,
    "run Tenbolt without --root to make changes on this computer",
  );
}

function toPlanView(p: Plan): PresetPlanView {
  return {
    kind: p.kind,
    preset: p.preset,
    iface: p.iface,
    changes: p.changes,
    files: p.files,
    memory: p.memory,
    flapsLink: p.flapsLink,
    blocker: p.blocker,
    steps: p.steps,
    noop: p.noop,
  };
}

function driverLabel(s: DriverStatus): string {
  if (!s.module.loaded) return "not loaded";
  return s.module.patched ? `patched (order ${s.module.rxPageOrder ?? "?"})` : "stock";
}

/** The detected atlantic interfaces, for choosing a default. */
function atlanticIfaces(report: Report): string[] {
  return report.adapters
    .filter((a) => a.driver.name === "atlantic" || a.nic.driver === "atlantic")
    .map((a) => a.nic.interface)
    .filter((i): i is string => i !== null);
}

class Service implements TenboltService {
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private state: AppState | null = null;
  private busy: { job: string; kind: JobKind } | null = null;
  private jobCounter = 0;
  private readonly aborts = new Map<string, AbortController>();

  constructor(private readonly deps: ServiceDeps) {}

  // ---- plumbing -------------------------------------------------------------------------------

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ApiEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A face's listener failing must not stop the others or the job.
      }
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private refuseWhenCaptured(): void {
    if (this.deps.captured) throw capturedRefusal(this.deps.root);
  }

  /** Runs `work` as the one job; emits started/finished and a fresh state afterwards. */
  private async job<T>(kind: JobKind, title: string, work: (job: string) => Promise<T>): Promise<T> {
    if (this.busy)
      throw new UserError(
        `busy: ${this.busy.kind.replace("-", " ")} is still running`,
        "wait for it to finish (or stop the speed test), then try again",
      );
    const job = `${kind}-${++this.jobCounter}`;
    this.busy = { job, kind };
    this.emit({ type: "job.started", job, kind, title });
    await this.publishState();
    try {
      const value = await work(job);
      this.busy = null;
      this.emit({ type: "job.finished", job, kind, ok: true, error: null });
      return value;
    } catch (e) {
      this.busy = null;
      this.emit({ type: "job.finished", job, kind, ok: false, error: toApiError(e) });
      throw e;
    } finally {
      this.busy = null;
      await this.publishState().catch(() => undefined);
    }
  }

  /** The helper, with its progress relayed as this job's events. */
  private helper(job: string, args: string[]): Promise<HelperEvent> {
    return this.deps.helper(args, (e) => {
      const api = helperEventToApi(job, e);
      if (api) this.emit(api);
    });
  }

  private async buildState(): Promise<AppState> {
    const report = detectReport(this.deps.root);
    const driver = await driverStatus(this.deps.root, this.deps.runner);
    const userPresets = Object.fromEntries(
      Object.entries(readUserState(this.deps.dataDir).interfaces).map(([i, r]) => [i, r.preset as string]),
    );
    const last = listResults({ dataDir: this.deps.dataDir, limit: 1 })[0];
    return {
      report,
      driver,
      // The helper's record is the authority; the user's own record fills in when it cannot be read.
      presets: { ...userPresets, ...driver.presets },
      lastSpeedtest: last
        ? {
            id: last.id,
            savedAt: last.savedAt,
            direction: (last.result.direction as "upload" | "download" | "bidir") ?? "download",
            server: String((last.result.server as { host?: string } | undefined)?.host ?? "unknown"),
            bitsPerSecond: compareEntries(last, last).afterBps,
          }
        : null,
      busy: this.busy,
      detectedAt: this.now().toISOString(),
    };
  }

  private async publishState(): Promise<AppState> {
    const s = await this.buildState();
    this.state = s;
    this.emit({ type: "state", state: s });
    return s;
  }

  private defaultIface(report: Report): string | null {
    const ifaces = atlanticIfaces(report);
    return ifaces.length === 1 ? (ifaces[0] as string) : null;
  }

  // ---- the contract ---------------------------------------------------------------------------

  async "app.info"(): Promise<MethodResult<"app.info">> {
    const status = this.state?.driver ?? (await driverStatus(this.deps.root, this.deps.runner));
    return {
      versions: {
        tenbolt: VERSION,
        kernel: status.kernel,
        driver: driverLabel(status),
        node: process.versions.node,
        electron: this.deps.versions?.electron ?? null,
        chromium: this.deps.versions?.chromium ?? null,
      },
      licence: "GPL-2.0-only",
      paths: {
        data: this.deps.dataDir,
        config: this.deps.configDir,
        logs: this.deps.logDir,
        helper: HELPER_PATH,
      },
      root: this.deps.root,
      captured: this.deps.captured,
      face: this.deps.face,
      autostartAvailable: Boolean(this.deps.autostart) && !this.deps.captured,
    };
  }

  async "state.get"(): Promise<AppState> {
    return this.state ?? this.publishState();
  }

  async "state.refresh"(): Promise<AppState> {
    return this.publishState();
  }

  async "driver.status"(): Promise<DriverStatus> {
    return driverStatus(this.deps.root, this.deps.runner);
  }

  private async driverPlan(action: "install" | "uninstall", kernel?: string): Promise<DriverPlan> {
    if (action === "uninstall") return planUninstall(this.deps.root, this.deps.runner, kernel);
    return planInstall(this.deps.root, this.deps.runner, kernel);
  }

  async "driver.plan"(a: { action: "install" | "uninstall"; kernel?: string }): Promise<DriverPlanView> {
    try {
      const p = await this.driverPlan(a.action, a.kernel);
      return {
        action: a.action,
        kernel: p.kernel,
        steps: p.steps,
        blocker: p.blocker,
        noop: p.steps.length === 0,
      };
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      // Headers or source missing: a plan that cannot run, with what to do, is still an answer.
      const kernel = a.kernel ?? this.state?.driver.kernel ?? "unknown";
      return {
        action: a.action,
        kernel,
        steps: [],
        blocker: { message: e.message, hint: e.hint ?? "see `tenbolt driver status`" },
        noop: false,
      };
    }
  }

  async "driver.run"(a: {
    action: "install" | "uninstall";
    kernel?: string;
  }): Promise<MethodResult<"driver.run">> {
    this.refuseWhenCaptured();
    const kind = a.action === "install" ? "driver-install" : "driver-uninstall";
    const title = a.action === "install" ? "Installing the patched driver" : "Restoring the stock driver";
    return this.job(kind, title, async (job) => {
      const p = await this.driverPlan(a.action, a.kernel);
      if (p.blocker) throw new UserError(p.blocker.message, p.blocker.hint);
      if (p.steps.length === 0) throw new UserError("Tenbolt's driver is not installed: nothing to do");
      await this.helper(job, p.helperArgs);
      return { job, status: await driverStatus(this.deps.root, this.deps.runner) };
    });
  }

  async "driver.secureBoot"(): Promise<MethodResult<"driver.secureBoot">> {
    const sys = new System(this.deps.root, this.deps.runner, realClock);
    const signing = readSigningState(sys);
    const key = signing.signatureRequired ? (await keyState(sys)).state : "not-needed";
    return { signing, key, explanation: MOK_EXPLANATION };
  }

  async "presets.list"(a: { iface?: string }): Promise<PresetCard[]> {
    const state = await this["state.get"]();
    const iface = a.iface ?? this.defaultIface(state.report);
    const adapter = state.report.adapters.find((x) => x.nic.interface === iface);
    const patched = adapter?.driver.patched ?? state.driver.module.patched;
    let layout = null;
    let ringMax = Number.POSITIVE_INFINITY;
    if (iface) {
      try {
        const snap = await readLinkSnapshot(this.deps.root, this.deps.runner, iface);
        layout = snap.layout;
        ringMax = snap.rxRingMax;
      } catch {
        // No ethtool (a captured tree): the queue directories still give the layout.
        layout = await readQueueLayout(this.deps.root, this.deps.runner, "ethtool", iface).catch(() => null);
      }
    }
    const active = iface ? state.presets[iface] : undefined;
    return presetList().map((p) => ({
      name: p.name,
      title: p.title,
      recommended: p.recommended,
      rxPageOrder: p.rxPageOrder,
      rxRing: p.rxRing,
      needsPatchedDriver: p.needsPatchedDriver,
      summary: p.summary,
      expectedEffect: p.expectedEffect,
      securityImpact: p.securityImpact,
      revert: p.revert,
      memory: layout ? rxMemory(p.rxPageOrder, Math.min(p.rxRing, ringMax), layout) : null,
      active: active === p.name,
      blocker:
        iface === null
          ? "no atlantic adapter with a network interface is connected"
          : p.needsPatchedDriver && !patched
            ? "needs the patched driver: install it on the Driver screen first"
            : null,
    }));
  }

  async "presets.plan"(t: PresetTarget): Promise<PresetPlanView> {
    const snap = await readLinkSnapshot(this.deps.root, this.deps.runner, t.iface);
    return toPlanView(
      t.action === "apply" ? presetPlan(PRESETS[t.name as PresetName], snap) : revertPlan(snap),
    );
  }

  async "presets.run"(t: PresetTarget): Promise<MethodResult<"presets.run">> {
    this.refuseWhenCaptured();
    const kind = t.action === "apply" ? "preset-apply" : "preset-revert";
    const title =
      t.action === "apply" ? `Applying ${t.name} on ${t.iface}` : `Reverting the preset on ${t.iface}`;
    return this.job(kind, title, async (job) => {
      const deps: PresetFlowDeps = {
        root: this.deps.root,
        runner: this.deps.runner,
        helper: (args) => this.helper(job, args),
        // The face showed the plan and the user confirmed it before calling.
        confirm: async () => true,
        out: (text) => {
          for (const line of text.split("\n")) if (line.trim()) this.emit({ type: "job.log", job, line });
        },
        dataDir: this.deps.dataDir,
        ...(this.deps.now ? { now: this.deps.now } : {}),
      };
      const outcome =
        t.action === "apply"
          ? await applyPresetFlow(t.name as PresetName, t.iface, { yes: true }, deps)
          : await revertPresetFlow(t.iface, { yes: true }, deps);
      if (outcome.plan.blocker) throw new UserError(outcome.plan.blocker);
      const a = outcome.after;
      return {
        job,
        plan: toPlanView(outcome.plan),
        done: outcome.done,
        readBack: a ? { rxPageOrder: a.rxPageOrder, rxRing: a.rxRing, carrier: a.carrier } : null,
      };
    });
  }

  async "presets.explain"() {
    return NOT_PRESETS.map((n) => ({ ...n }));
  }

  async "thunderbolt.authorize"(a: { device: string }): Promise<MethodResult<"thunderbolt.authorize">> {
    this.refuseWhenCaptured();
    return this.job("thunderbolt-authorize", `Authorizing Thunderbolt device ${a.device}`, async (job) => {
      const last = await this.helper(job, ["authorize-thunderbolt", a.device]);
      const r = last.result as { changed?: boolean } | undefined;
      return { job, changed: r?.changed !== false };
    });
  }

  async "speedtest.run"(a: {
    host: string;
    port: number;
    direction: "download" | "upload" | "bidir";
    streams: number;
    seconds: number;
    omit: number;
    save: boolean;
  }): Promise<MethodResult<"speedtest.run">> {
    return this.job("speedtest", `Speed test against ${a.host}`, async (job) => {
      const abort = new AbortController();
      this.aborts.set(job, abort);
      try {
        const settings = readSettings(this.deps.configDir);
        writeSettings(this.deps.configDir, {
          ...settings,
          recentServers: withRecent(settings.recentServers, a.host),
        });
        const state = this.state ?? (await this.buildState());
        const outcome = await runSpeedtestJob(a, {
          job,
          runner: this.deps.runner as Runner,
          signal: abort.signal,
          emit: (e) => this.emit(e),
          save: (result, iface) => {
            const preset = iface ? (state.presets[iface] ?? null) : null;
            return saveResult(
              { result, context: historyContext(state.report, preset, iface) },
              { dataDir: this.deps.dataDir },
            ).id;
          },
        });
        return { job, ...outcome };
      } finally {
        this.aborts.delete(job);
      }
    });
  }

  async "job.cancel"(a: { job: string }) {
    const abort = this.aborts.get(a.job);
    abort?.abort();
    return { cancelled: Boolean(abort) };
  }

  async "history.list"(a: { limit?: number }) {
    return listResults({ dataDir: this.deps.dataDir, ...(a.limit ? { limit: a.limit } : {}) });
  }

  async "history.compare"(a: { before: string; after: string }) {
    const all = listResults({ dataDir: this.deps.dataDir });
    const find = (id: string) => {
      const e = all.find((x) => x.id === id);
      if (!e)
        throw new UserError(
          `no saved result ${JSON.stringify(id)}`,
          "choose two results from the history list",
        );
      return e;
    };
    return compareEntries(find(a.before), find(a.after));
  }

  async "settings.get"() {
    return readSettings(this.deps.configDir);
  }

  async "settings.set"(patch: { startAtLogin?: boolean; startHidden?: boolean; defaultServer?: string }) {
    const next = { ...readSettings(this.deps.configDir), ...patch };
    if ((patch.startAtLogin !== undefined || patch.startHidden !== undefined) && !this.deps.captured) {
      if (!this.deps.autostart && patch.startAtLogin)
        throw new UserError(
          "start at login is only available in the desktop app",
          "start Tenbolt from the application menu and set it there",
        );
      this.deps.autostart?.set(next.startAtLogin, next.startHidden);
    }
    return writeSettings(this.deps.configDir, next);
  }

  // ---- for the faces' own plumbing ------------------------------------------------------------

  async hotplug(change: HotplugChange, text: string): Promise<void> {
    this.emit({ type: "hotplug", change, text });
    if (!this.busy) await this.publishState();
  }

  close(): void {
    for (const a of this.aborts.values()) a.abort();
    this.listeners.clear();
  }
}

/** The service over the given dependencies; faces call it only through dispatch(). */
export function createService(deps: ServiceDeps): TenboltService {
  return new Service(deps) satisfies ServiceMethods;
}

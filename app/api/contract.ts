// The contract: every call a face (the Electron window through the preload, the local web UI through a
// WebSocket) can make, with a zod schema for its arguments and its result, and every event the core
// pushes while long work runs. Main and the web host validate each call's arguments with these schemas
// before the service sees them (see dispatch.ts); the renderer imports only the types.
import { z } from "zod";
import { ReportSchema } from "../detect/report.js";
import { speedtestResultSchema, intervalSchema } from "../speedtest/result.js";
import { HistoryEntrySchema } from "../history/schema.js";
import { checkIface, checkKernelRelease, checkTbDevice } from "../../driver/helper/args.js";
import { PRESET_NAMES } from "../presets/catalog.js";

/** A refinement from one of the root helper's own argument checks, so both sides accept the same words. */
function helperPattern(check: (s: string) => string, what: string) {
  return z.string().refine(
    (s) => {
      try {
        check(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: `not a valid ${what}` },
  );
}

export const IfaceSchema = helperPattern(checkIface, "network interface name");
export const KernelReleaseSchema = helperPattern(checkKernelRelease, "kernel release");
export const TbDeviceSchema = helperPattern(checkTbDevice, "Thunderbolt device name (e.g. 0-1)");
export const PresetNameSchema = z.enum(PRESET_NAMES as [string, ...string[]]);

// Host names (RFC 1123 labels), IPv4, and IPv6 (optionally with a %scope): the server of a speed test.
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?|\[?[0-9A-Fa-f:.]{2,45}(?:%[A-Za-z0-9_.-]{1,15})?\]?)$/;
export const HostSchema = z
  .string()
  .min(1, "give the server's name or address")
  .max(253)
  .regex(HOST, "not a host name or IP address");

const None = z.object({}).strict();

/** What a face shows when a call fails: one line, what to do, and whether it was the user's input. */
export const ApiErrorSchema = z.object({
  message: z.string(),
  hint: z.string().optional(),
  /** "usage": the arguments were wrong; "failed": the action failed; "internal": a bug. */
  kind: z.enum(["usage", "failed", "internal"]),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

// ---- shared result shapes -----------------------------------------------------------------------

export const RxMemorySchema = z.object({
  rings: z.number().int(),
  bytesPerRing: z.number(),
  totalBytes: z.number(),
});

export const SigningSchema = z.object({
  secureBoot: z.boolean().nullable(),
  lockdown: z.enum(["none", "integrity", "confidentiality"]).nullable(),
  sigEnforce: z.boolean(),
  signatureRequired: z.boolean(),
});

export const DriverStatusSchema = z.object({
  kernel: z.string().nullable(),
  module: z.object({ loaded: z.boolean(), patched: z.boolean(), rxPageOrder: z.number().int().nullable() }),
  installed: z.record(
    z.string(),
    z.object({ name: z.string(), version: z.string(), installedAt: z.string() }),
  ),
  missingForRunningKernel: z.boolean(),
  dkms: z.array(z.string()).nullable(),
  helperInstalled: z.boolean(),
  signing: SigningSchema,
  presets: z.record(z.string(), z.string()),
});
export type DriverStatusView = z.infer<typeof DriverStatusSchema>;

export const DriverActionSchema = z.enum(["install", "uninstall"]);

export const DriverPlanSchema = z.object({
  action: DriverActionSchema,
  kernel: z.string(),
  steps: z.array(z.string()),
  /** Why it would fail now (Secure Boot key not enrolled, no source), with what to do; null when it can run. */
  blocker: z.object({ message: z.string(), hint: z.string() }).nullable(),
  /** Nothing to do (uninstall when Tenbolt's driver is not installed). */
  noop: z.boolean(),
});
export type DriverPlanView = z.infer<typeof DriverPlanSchema>;

export const PresetCardSchema = z.object({
  name: PresetNameSchema,
  title: z.string(),
  recommended: z.boolean(),
  rxPageOrder: z.number().int(),
  rxRing: z.number().int(),
  needsPatchedDriver: z.boolean(),
  summary: z.string(),
  expectedEffect: z.string(),
  securityImpact: z.string(),
  revert: z.string(),
  /** RX buffer memory for the adapter's real queues, null without an adapter to compute it for. */
  memory: RxMemorySchema.nullable(),
  /** In force on the interface now. */
  active: z.boolean(),
  /** Why it cannot be applied now (patched driver missing), or null. */
  blocker: z.string().nullable(),
});
export type PresetCard = z.infer<typeof PresetCardSchema>;

export const PresetTargetSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("apply"), name: PresetNameSchema, iface: IfaceSchema }).strict(),
  z.object({ action: z.literal("revert"), iface: IfaceSchema }).strict(),
]);
export type PresetTarget = z.infer<typeof PresetTargetSchema>;

export const PresetPlanSchema = z.object({
  kind: z.enum(["apply", "revert"]),
  preset: z.string().nullable(),
  iface: z.string(),
  changes: z.array(z.object({ parameter: z.string(), before: z.string(), after: z.string() })),
  files: z.array(z.object({ path: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
  memory: z.object({ before: RxMemorySchema, after: RxMemorySchema }),
  flapsLink: z.boolean(),
  blocker: z.string().nullable(),
  steps: z.array(z.string()),
  noop: z.boolean(),
});
export type PresetPlanView = z.infer<typeof PresetPlanSchema>;

export const ReadBackSchema = z.object({
  rxPageOrder: z.number().int(),
  rxRing: z.number().int(),
  carrier: z.boolean(),
});

export const PresetOutcomeSchema = z.object({
  plan: PresetPlanSchema,
  /** The helper ran (false: already in effect, nothing to do). */
  done: z.boolean(),
  /** What the kernel reports afterwards, read back as the user. */
  readBack: ReadBackSchema.nullable(),
});

export const NotAPresetSchema = z.object({
  name: z.string(),
  what: z.string(),
  effect: z.string(),
  tradeOff: z.string(),
});

export const SettingsSchema = z.object({
  startAtLogin: z.boolean(),
  startHidden: z.boolean(),
  /** Default speed-test server, "" for none. */
  defaultServer: z.string().max(253),
  /** Most recent first. */
  recentServers: z.array(z.string().max(253)).max(10),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = z
  .object({
    startAtLogin: z.boolean(),
    startHidden: z.boolean(),
    defaultServer: z.union([HostSchema, z.literal("")]),
  })
  .partial()
  .strict();

export const JobKindSchema = z.enum([
  "speedtest",
  "driver-install",
  "driver-uninstall",
  "preset-apply",
  "preset-revert",
  "thunderbolt-authorize",
]);
export type JobKind = z.infer<typeof JobKindSchema>;

export const AppInfoSchema = z.object({
  versions: z.object({
    tenbolt: z.string(),
    kernel: z.string().nullable(),
    /** The atlantic in use: "stock", "patched (order N)", "not loaded". */
    driver: z.string(),
    node: z.string(),
    electron: z.string().nullable(),
    chromium: z.string().nullable(),
  }),
  licence: z.string(),
  /** Where results, settings and logs live. */
  paths: z.object({ data: z.string(), config: z.string(), logs: z.string(), helper: z.string() }),
  /** The root directory detection reads ("/" on a live machine). */
  root: z.string(),
  /** Detection reads a captured tree: nothing is changed on this machine. */
  captured: z.boolean(),
  face: z.enum(["electron", "web"]),
  /** Start at login can be set (a desktop with XDG autostart). */
  autostartAvailable: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const LastSpeedtestSchema = z.object({
  id: z.string(),
  savedAt: z.string(),
  direction: z.enum(["upload", "download", "bidir"]),
  server: z.string(),
  /** What the receiver counted, the number iperf3 prints last. */
  bitsPerSecond: z.number(),
});

/** One snapshot of everything the overview and the tray show; pushed as a `state` event on every change. */
export const AppStateSchema = z.object({
  report: ReportSchema,
  driver: DriverStatusSchema,
  /** Interface -> the Tenbolt preset in force there. */
  presets: z.record(z.string(), z.string()),
  lastSpeedtest: LastSpeedtestSchema.nullable(),
  /** The long job in progress, if any (one at a time). */
  busy: z.object({ job: z.string(), kind: JobKindSchema }).nullable(),
  /** When detection ran (ISO time). */
  detectedAt: z.string(),
});
export type AppState = z.infer<typeof AppStateSchema>;

export const SpeedtestArgsSchema = z
  .object({
    host: HostSchema,
    port: z.number().int().min(1).max(65535).default(5201),
    direction: z.enum(["download", "upload", "bidir"]),
    streams: z.number().int().min(1).max(16).default(1),
    seconds: z.number().int().min(1).max(300).default(10),
    omit: z.number().int().min(0).max(60).default(0),
    /** Save the result to history (default yes). */
    save: z.boolean().default(true),
  })
  .strict();
export type SpeedtestArgs = z.input<typeof SpeedtestArgsSchema>;

export const SpeedtestOutcomeSchema = z.object({
  result: speedtestResultSchema,
  /** The history entry's id, or null when not saved (with the reason in saveError). */
  historyId: z.string().nullable(),
  saveError: z.string().nullable(),
  /** iperf3's own summary lines, as `iperf3 -c` would print them. */
  summary: z.string(),
});

export const HistoryComparisonSchema = z.object({
  before: HistoryEntrySchema,
  after: HistoryEntrySchema,
  /** Receiver rate of each, bits per second. */
  beforeBps: z.number(),
  afterBps: z.number(),
  /** after / before; null when before is 0. */
  ratio: z.number().nullable(),
  /** What differs in the machine's state (driver, page order, preset, kernel), as "what: before -> after". */
  differences: z.array(z.string()),
});

export const JobResultSchema = z.object({ job: z.string() });

// ---- the calls --------------------------------------------------------------------------------

function call<A extends z.ZodType, R extends z.ZodType>(args: A, result: R) {
  return { args, result };
}

export const METHODS = {
  /** Versions, licence, paths, face, whether this is a captured tree. */
  "app.info": call(None, AppInfoSchema),
  /** The last snapshot (detects if none yet). */
  "state.get": call(None, AppStateSchema),
  /** Detects again now; also pushes a `state` event. */
  "state.refresh": call(None, AppStateSchema),
  "driver.status": call(None, DriverStatusSchema),
  "driver.plan": call(
    z.object({ action: DriverActionSchema, kernel: KernelReleaseSchema.optional() }).strict(),
    DriverPlanSchema,
  ),
  /** Runs the plan through the root helper (one password); stages and log lines arrive as job events. */
  "driver.run": call(
    z.object({ action: DriverActionSchema, kernel: KernelReleaseSchema.optional() }).strict(),
    z.object({ job: z.string(), status: DriverStatusSchema }),
  ),
  /** Secure Boot: why the module would be refused and what MOK enrollment asks at the next boot. */
  "driver.secureBoot": call(
    None,
    z.object({
      signing: SigningSchema,
      key: z.enum(["enrolled", "pending-reboot", "not-enrolled", "missing", "unknown", "not-needed"]),
      explanation: z.string(),
    }),
  ),
  "presets.list": call(z.object({ iface: IfaceSchema.optional() }).strict(), z.array(PresetCardSchema)),
  "presets.plan": call(PresetTargetSchema, PresetPlanSchema),
  /** Applies or reverts through the root helper, then reads back order, ring and carrier. */
  "presets.run": call(PresetTargetSchema, PresetOutcomeSchema.extend({ job: z.string() })),
  "presets.explain": call(None, z.array(NotAPresetSchema)),
  "thunderbolt.authorize": call(
    z.object({ device: TbDeviceSchema }).strict(),
    z.object({ job: z.string(), changed: z.boolean() }),
  ),
  /** Runs a test to its end; intervals arrive as `speedtest.interval` events. */
  "speedtest.run": call(SpeedtestArgsSchema, SpeedtestOutcomeSchema.extend({ job: z.string() })),
  /** Stops a running speed test (the run call then fails with "stopped"). */
  "job.cancel": call(z.object({ job: z.string().max(64) }).strict(), z.object({ cancelled: z.boolean() })),
  "history.list": call(
    z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    z.array(HistoryEntrySchema),
  ),
  "history.compare": call(
    z.object({ before: z.string().max(128), after: z.string().max(128) }).strict(),
    HistoryComparisonSchema,
  ),
  "settings.get": call(None, SettingsSchema),
  "settings.set": call(SettingsPatchSchema, SettingsSchema),
} as const;

export type MethodName = keyof typeof METHODS;
export type MethodArgs<M extends MethodName> = z.input<(typeof METHODS)[M]["args"]>;
export type MethodResult<M extends MethodName> = z.output<(typeof METHODS)[M]["result"]>;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

// ---- the events -------------------------------------------------------------------------------

/** CPU beside each throughput point: the busiest core's system and softirq share, and the machine's. */
/** The UI's screens, for `navigate`. */
export const ScreenSchema = z.enum(["overview", "driver", "presets", "speedtest", "history", "settings"]);
export type Screen = z.infer<typeof ScreenSchema>;

export const CpuPointSchema = z.object({
  /** Percent of all cores together (the "cpu" line of /proc/stat). */
  system: z.number(),
  softirq: z.number(),
  /** The core with the most softirq time and its share (the IOMMU-bound receive core). */
  maxSoftirq: z.object({ cpu: z.number().int(), percent: z.number() }).nullable(),
});

export const EventSchema = z.discriminatedUnion("type", [
  /** Detection, driver or preset state changed (hot-plug, link up/down, after an action). */
  z.object({ type: z.literal("state"), state: AppStateSchema }),
  z.object({ type: z.literal("job.started"), job: z.string(), kind: JobKindSchema, title: z.string() }),
  /** A stage of a helper run (journaled step) starting, done or failed. */
  z.object({
    type: z.literal("job.stage"),
    job: z.string(),
    step: z.string(),
    description: z.string(),
    status: z.enum(["start", "done", "failed"]),
  }),
  /** One undo step of a rollback, so a face can show what was rolled back. */
  z.object({ type: z.literal("job.rollback"), job: z.string(), step: z.string(), status: z.string() }),
  /** A log line (dkms output, helper text). */
  z.object({ type: z.literal("job.log"), job: z.string(), line: z.string() }),
  z.object({
    type: z.literal("job.finished"),
    job: z.string(),
    kind: JobKindSchema,
    ok: z.boolean(),
    error: ApiErrorSchema.nullable(),
  }),
  z.object({
    type: z.literal("speedtest.connected"),
    job: z.string(),
    server: z.string(),
    local: z.string(),
    streams: z.number().int(),
  }),
  /** One point per second: throughput and, when sampled, CPU beside it. */
  z.object({
    type: z.literal("speedtest.interval"),
    job: z.string(),
    interval: intervalSchema,
    cpu: CpuPointSchema.nullable(),
  }),
  /** The shell asks the UI to show a screen (a tray item such as "Open driver screen"). */
  z.object({ type: z.literal("navigate"), screen: ScreenSchema }),
  /** Hot-plug: an adapter plugged or unplugged, a device authorized, a link up or down. */
  z.object({
    type: z.literal("hotplug"),
    change: z.enum(["added", "removed", "authorized", "link-up", "link-down", "changed"]),
    text: z.string(),
  }),
]);
export type ApiEvent = z.infer<typeof EventSchema>;

// ---- the wire ---------------------------------------------------------------------------------

/** What a call returns across a transport (IPC or WebSocket): never a thrown error. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** WebSocket frames. Calls carry an id the reply repeats. */
export const WireRequestSchema = z
  .object({ id: z.number().int().nonnegative(), method: z.string().max(64), args: z.unknown() })
  .strict();
export type WireRequest = z.infer<typeof WireRequestSchema>;
export type WireMessage =
  { kind: "reply"; id: number; reply: Reply<unknown> } | { kind: "event"; event: ApiEvent };

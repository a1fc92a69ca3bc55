// The Tenbolt UI: a sidebar of screens over the contract client. Every call goes through `api`.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiClient } from "../app/api/client.js";
import type { ApiEvent, AppState, MethodResult } from "../app/api/contract.js";
import { createTransport } from "./transport.js";
import { Chart } from "./chart.js";
import {
  actionOf,
  addPoint,
  bySeverity,
  dmaProtectionText,
  emptyChart,
  errorText,
  formatBps,
  formatBytes,
  formatLinkSpeed,
  type ChartData,
  type FlowAction,
  type Screen,
} from "./logic.js";

const transport = createTransport();
const api = new ApiClient(transport);

const SCREENS: { id: Screen; label: string }[] = [
  { id: "overview", label: "Overview" },
  { id: "driver", label: "Driver" },
  { id: "presets", label: "Presets" },
  { id: "speedtest", label: "Speed test" },
  { id: "history", label: "History" },
  { id: "settings", label: "Settings & about" },
];

type Nav = (s: Screen, preset?: string) => void;

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Job events for one job id: stages, log lines, rollback steps. */
function useJobLog() {
  const [stages, setStages] = useState<{ step: string; description: string; status: string }[]>([]);
  const [log, setLog] = useState<string[]>([]);
  const [rollback, setRollback] = useState<{ step: string; status: string }[]>([]);
  useEffect(
    () =>
      api.on((e) => {
        if (e.type === "job.stage")
          setStages((s) => [
            ...s.filter((x) => x.step !== e.step),
            { step: e.step, description: e.description, status: e.status },
          ]);
        else if (e.type === "job.log") setLog((l) => [...l, e.line]);
        else if (e.type === "job.rollback") setRollback((r) => [...r, { step: e.step, status: e.status }]);
      }),
    [],
  );
  const reset = () => {
    setStages([]);
    setLog([]);
    setRollback([]);
  };
  return { stages, log, rollback, reset };
}

function JobView({ job }: { job: ReturnType<typeof useJobLog> }) {
  return (
    <div class="job">
      {job.stages.length > 0 && (
        <ol class="stages" aria-label="Progress">
          {job.stages.map((s) => (
            <li class={`stage ${s.status}`}>
              {s.status === "done" ? "✓" : s.status === "failed" ? "✗" : "…"} {s.description}
            </li>
          ))}
        </ol>
      )}
      {job.rollback.length > 0 && (
        <section aria-label="Rolled back">
          <h3>What was rolled back</h3>
          <ul class="rollback">
            {job.rollback.map((r) => (
              <li>
                {r.step}: {r.status}
              </li>
            ))}
          </ul>
        </section>
      )}
      {job.log.length > 0 && (
        <details open>
          <summary>Log</summary>
          <pre class="log" aria-label="Log" tabIndex={0}>
            {job.log.join("\n")}
          </pre>
        </details>
      )}
    </div>
  );
}

// ---- overview ----------------------------------------------------------------------------------

type Adapter = AppState["report"]["adapters"][number];

function AdapterCard({ a }: { a: Adapter }) {
  const tb = a.thunderbolt;
  return (
    <article class="card adapter" aria-label={`Adapter ${a.model ?? a.nic.chip ?? a.nic.pciAddress}`}>
      <h3>{a.model ?? "Network adapter"}</h3>
      <dl>
        <dt>Chip</dt>
        <dd class="chip">{a.nic.chip ?? "unknown"}</dd>
        <dt>Interface</dt>
        <dd>{a.nic.interface ?? "none"}</dd>
        <dt>Thunderbolt</dt>
        <dd>
          {tb === null
            ? "Not behind Thunderbolt"
            : tb.pairing === "ambiguous"
              ? `Cannot tell which device: one of ${tb.candidates.join(", ")}`
              : `${tb.vendorName ?? ""} ${tb.deviceName ?? ""} (${tb.device}), ${tb.authorized ? "authorized" : "not authorized"}`}
        </dd>
        <dt>Link speed</dt>
        <dd>{formatLinkSpeed(a.nic.linkSpeedMbps, a.nic.carrier)}</dd>
        <dt>DMA protection</dt>
        <dd>{dmaProtectionText(a.iommu.translated, a.iommu.type)}</dd>
        <dt>Driver</dt>
        <dd>
          {a.driver.name ?? "none"}
          {a.driver.loaded
            ? a.driver.patched
              ? " (Tenbolt's patched driver)"
              : " (stock)"
            : " (not loaded)"}
          , RX page order {a.driver.rxPageOrder ?? "unknown"}
        </dd>
      </dl>
    </article>
  );
}

function Overview({ state, nav, captured }: { state: AppState | null; nav: Nav; captured: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  if (!state) return <p>Reading the system…</p>;
  const start = async (a: FlowAction) => {
    setError(null);
    if (a.kind === "driver") return nav("driver");
    if (a.kind === "preset") return nav("presets", a.preset);
    try {
      const r = await api.call("thunderbolt.authorize", { device: a.device });
      setNote(
        r.changed ? `Device ${a.device} is now authorized.` : `Device ${a.device} was already authorized.`,
      );
    } catch (e) {
      setError(errorText(e));
    }
  };
  const { report } = state;
  return (
    <section>
      <h2>Overview</h2>
      {captured && (
        <p class="notice">This is a captured system: Tenbolt only reads it and changes nothing.</p>
      )}
      {report.adapters.length === 0 ? (
        <div class="card empty">
          <h3>No 10 GbE adapter found</h3>
          <p>
            Check that the adapter is plugged in and powered, that the Thunderbolt cable is firmly seated, and
            that the device is authorized.
          </p>
        </div>
      ) : (
        <div class="cards">
          {report.adapters.map((a) => (
            <AdapterCard a={a} />
          ))}
        </div>
      )}
      <h2>What Tenbolt found</h2>
      <ErrorLine error={error} />
      {note && <p role="status">{note}</p>}
      <ul class="findings">
        {bySeverity(report.findings).map((f) => (
          <li class={`finding ${f.severity}`} data-id={f.id}>
            <strong class="sev">{f.severity}</strong> <span class="title">{f.title}</span>
            <p>{f.detail}</p>
            <div class="actions">
              {f.actions.map((c) => {
                const a = actionOf(c);
                return a ? (
                  <button type="button" onClick={() => void start(a)}>
                    {a.label}
                  </button>
                ) : (
                  <code>{c}</code>
                );
              })}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

// ---- driver ------------------------------------------------------------------------------------

function Driver() {
  const [status, setStatus] = useState<MethodResult<"driver.status"> | null>(null);
  const [sb, setSb] = useState<MethodResult<"driver.secureBoot"> | null>(null);
  const [plan, setPlan] = useState<MethodResult<"driver.plan"> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const job = useJobLog();
  const load = () => {
    api.call("driver.status", {}).then(setStatus, (e) => setError(errorText(e)));
    api.call("driver.secureBoot", {}).then(setSb, () => undefined);
  };
  useEffect(load, []);
  const showPlan = async (action: "install" | "uninstall") => {
    setError(null);
    setResult(null);
    try {
      setPlan(await api.call("driver.plan", { action }));
    } catch (e) {
      setError(errorText(e));
    }
  };
  const run = async () => {
    if (!plan) return;
    setError(null);
    setRunning(true);
    job.reset();
    try {
      const r = await api.call("driver.run", { action: plan.action });
      setStatus(r.status);
      setResult(
        plan.action === "install" ? "The patched driver is installed." : "The patched driver is removed.",
      );
      setPlan(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section>
      <h2>Driver</h2>
      {status && (
        <div class="card">
          <p>
            Running kernel: {status.kernel ?? "unknown"}. Driver in use:{" "}
            {status.module.loaded
              ? status.module.patched
                ? `patched (RX page order ${status.module.rxPageOrder})`
                : "stock"
              : "not loaded"}
            .
          </p>
          {status.missingForRunningKernel && (
            <p class="warn">The running kernel has no patched driver (perhaps after a kernel upgrade).</p>
          )}
          <table>
            <caption>Patched driver per installed kernel</caption>
            <thead>
              <tr>
                <th scope="col">Kernel</th>
                <th scope="col">Patched driver</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(status.installed).length === 0 && (
                <tr>
                  <td colSpan={2}>Not installed for any kernel</td>
                </tr>
              )}
              {Object.entries(status.installed).map(([k, v]) => (
                <tr>
                  <td>{k}</td>
                  <td>
                    {v.name} {v.version}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!status.helperInstalled && (
            <p class="warn">Tenbolt's root helper is not installed; changes cannot be made.</p>
          )}
        </div>
      )}
      <div class="actions">
        <button type="button" disabled={running} onClick={() => void showPlan("install")}>
          Install the patched driver…
        </button>
        <button type="button" disabled={running} onClick={() => void showPlan("uninstall")}>
          Uninstall…
        </button>
      </div>
      {plan && (
        <div class="card plan" aria-label="Plan">
          <h3>
            {plan.action === "install" ? "Install" : "Uninstall"} for kernel {plan.kernel}
          </h3>
          {plan.noop ? (
            <p>Nothing to do.</p>
          ) : (
            <ol>
              {plan.steps.map((s) => (
                <li>{s}</li>
              ))}
            </ol>
          )}
          {plan.blocker && (
            <p class="warn">
              {plan.blocker.message} {plan.blocker.hint}
            </p>
          )}
          <button
            type="button"
            disabled={running || plan.noop || plan.blocker !== null}
            onClick={() => void run()}
          >
            {plan.action === "install" ? "Install now" : "Uninstall now"}
          </button>
        </div>
      )}
      <ErrorLine error={error} />
      {result && (
        <p role="status" class="ok">
          {result}
        </p>
      )}
      <JobView job={job} />
      {sb && (
        <div class="card">
          <h3>Secure Boot</h3>
          <p>
            Secure Boot is {sb.signing.secureBoot === null ? "unknown" : sb.signing.secureBoot ? "on" : "off"}
            . Signing key: {sb.key}.
          </p>
          <p>{sb.explanation}</p>
        </div>
      )}
    </section>
  );
}

// ---- presets -----------------------------------------------------------------------------------

function Presets({ selected, state }: { selected: string | null; state: AppState | null }) {
  const iface = state?.report.adapters.find((a) => a.nic.interface)?.nic.interface ?? null;
  const [cards, setCards] = useState<MethodResult<"presets.list">>([]);
  const [explain, setExplain] = useState<MethodResult<"presets.explain">>([]);
  const [plan, setPlan] = useState<MethodResult<"presets.plan"> | null>(null);
  const [outcome, setOutcome] = useState<MethodResult<"presets.run"> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const job = useJobLog();
  const load = () => {
    api.call("presets.list", iface ? { iface } : {}).then(setCards, (e) => setError(errorText(e)));
  };
  useEffect(() => {
    load();
    api.call("presets.explain", {}).then(setExplain, () => undefined);
  }, [iface]);
  useEffect(() => {
    if (selected && iface) void showPlan({ action: "apply", name: selected, iface });
  }, [selected, iface]);
  async function showPlan(
    t: { action: "apply"; name: string; iface: string } | { action: "revert"; iface: string },
  ) {
    setError(null);
    setOutcome(null);
    try {
      setPlan(await api.call("presets.plan", t));
    } catch (e) {
      setError(errorText(e));
    }
  }
  const run = async () => {
    if (!plan || !iface) return;
    setRunning(true);
    setError(null);
    job.reset();
    try {
      const t =
        plan.kind === "apply" && plan.preset
          ? { action: "apply" as const, name: plan.preset, iface }
          : { action: "revert" as const, iface };
      setOutcome(await api.call("presets.run", t));
      setPlan(null);
      load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section>
      <h2>Presets</h2>
      {!iface && <p class="warn">No adapter interface found: presets need a connected adapter.</p>}
      <div class="cards">
        {cards.map((c) => (
          <article
            class={`card preset${c.name === selected ? " selected" : ""}`}
            aria-label={`Preset ${c.title}`}
          >
            <h3>
              {c.title} {c.recommended && <span class="badge">recommended</span>}{" "}
              {c.active && <span class="badge on">in force</span>}
            </h3>
            <p>{c.summary}</p>
            <dl>
              <dt>Effect</dt>
              <dd>{c.expectedEffect}</dd>
              <dt>RX buffer memory</dt>
              <dd>
                {c.memory
                  ? `${formatBytes(c.memory.totalBytes)} (${c.memory.rings} queues)`
                  : "needs an adapter"}
              </dd>
              <dt>Security</dt>
              <dd>{c.securityImpact}</dd>
            </dl>
            {c.blocker && <p class="warn">{c.blocker}</p>}
            <button
              type="button"
              disabled={!iface || running}
              onClick={() => iface && void showPlan({ action: "apply", name: c.name, iface })}
            >
              Apply {c.title}…
            </button>
          </article>
        ))}
      </div>
      <button
        type="button"
        disabled={!iface || running}
        onClick={() => iface && void showPlan({ action: "revert", iface })}
      >
        Revert to the stock settings…
      </button>
      {plan && (
        <div class="card plan" aria-label="Changes">
          <h3>{plan.kind === "apply" ? `Apply ${plan.preset} on ${plan.iface}` : `Revert ${plan.iface}`}</h3>
          {plan.noop ? (
            <p>Already in effect: nothing to change.</p>
          ) : (
            <table>
              <caption>What changes</caption>
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Now</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                {plan.changes.map((c) => (
                  <tr>
                    <td>{c.parameter}</td>
                    <td>{c.before}</td>
                    <td>{c.after}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>
            RX buffer memory: {formatBytes(plan.memory.before.totalBytes)} →{" "}
            {formatBytes(plan.memory.after.totalBytes)}
          </p>
          {plan.flapsLink && (
            <p class="warn">The link goes down for a few seconds while the driver reloads.</p>
          )}
          {plan.blocker && <p class="warn">{plan.blocker}</p>}
          <button
            type="button"
            disabled={running || plan.noop || plan.blocker !== null}
            onClick={() => void run()}
          >
            {plan.kind === "apply" ? "Apply now" : "Revert now"}
          </button>
        </div>
      )}
      <ErrorLine error={error} />
      <JobView job={job} />
      {outcome && (
        <p role="status" class="ok readback">
          {outcome.done ? "Done." : "Already in effect."}{" "}
          {outcome.readBack &&
            `Read back: RX page order ${outcome.readBack.rxPageOrder}, RX ring ${outcome.readBack.rxRing}, link ${outcome.readBack.carrier ? "up" : "down"}.`}
        </p>
      )}
      {explain.length > 0 && (
        <details>
          <summary>Why IOMMU off, passthrough and lazy flushing are not offered</summary>
          <dl>
            {explain.map((x) => (
              <>
                <dt>{x.name}</dt>
                <dd>
                  {x.what} {x.effect} {x.tradeOff}
                </dd>
              </>
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}

// ---- speed test --------------------------------------------------------------------------------

function SpeedTest() {
  const [settings, setSettings] = useState<MethodResult<"settings.get"> | null>(null);
  const [host, setHost] = useState("");
  const [port, setPort] = useState(5201);
  const [direction, setDirection] = useState<"download" | "upload" | "bidir">("download");
  const [streams, setStreams] = useState(1);
  const [seconds, setSeconds] = useState(10);
  const [job, setJob] = useState<string | null>(null);
  const [data, setData] = useState<ChartData>(emptyChart());
  const [summary, setSummary] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  useEffect(() => {
    api.call("settings.get", {}).then(
      (s) => {
        setSettings(s);
        setHost((h) => h || s.defaultServer || s.recentServers[0] || "");
      },
      () => undefined,
    );
    return api.on((e: ApiEvent) => {
      if (e.type === "job.started" && e.kind === "speedtest") setJob(e.job);
      if (e.type === "speedtest.interval" && !e.interval.omitted)
        setData((d) => addPoint(d, e.interval.end, e.interval.bitsPerSecond, e.cpu));
    });
  }, []);
  const run = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    setSummary(null);
    setData(emptyChart());
    setRunning(true);
    try {
      const r = await api.call("speedtest.run", { host: host.trim(), port, direction, streams, seconds });
      setSummary(r.summary + (r.saveError ? `\nNot saved: ${r.saveError}` : "\nSaved to history."));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
      setJob(null);
    }
  };
  return (
    <section>
      <h2>Speed test</h2>
      <form class="form" onSubmit={(e) => void run(e)}>
        <label>
          Server
          <input
            name="host"
            list="recent"
            value={host}
            required
            onInput={(e) => setHost(e.currentTarget.value)}
          />
        </label>
        <datalist id="recent">
          {settings?.recentServers.map((s) => (
            <option value={s} />
          ))}
        </datalist>
        <label>
          Port
          <input
            name="port"
            type="number"
            min={1}
            max={65535}
            value={port}
            onInput={(e) => setPort(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          Direction
          <select
            name="direction"
            value={direction}
            onChange={(e) => setDirection(e.currentTarget.value as typeof direction)}
          >
            <option value="download">Download (server to this machine)</option>
            <option value="upload">Upload (this machine to server)</option>
            <option value="bidir">Both at once</option>
          </select>
        </label>
        <label>
          Streams
          <input
            name="streams"
            type="number"
            min={1}
            max={16}
            value={streams}
            onInput={(e) => setStreams(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          Seconds
          <input
            name="seconds"
            type="number"
            min={1}
            max={300}
            value={seconds}
            onInput={(e) => setSeconds(Number(e.currentTarget.value))}
          />
        </label>
        <div class="actions">
          <button type="submit" disabled={running}>
            Start the test
          </button>
          <button
            type="button"
            disabled={!running || !job}
            onClick={() => job && void api.call("job.cancel", { job })}
          >
            Cancel
          </button>
        </div>
      </form>
      <ErrorLine error={error} />
      <Chart data={data} />
      {data[1].length > 0 && <p aria-live="polite">Last second: {formatBps((data[1].at(-1) ?? 0) * 1e9)}</p>}
      {summary && (
        <pre class="summary" aria-label="Summary" tabIndex={0}>
          {summary}
        </pre>
      )}
    </section>
  );
}

// ---- history -----------------------------------------------------------------------------------

function History() {
  const [list, setList] = useState<MethodResult<"history.list">>([]);
  const [before, setBefore] = useState<string | null>(null);
  const [after, setAfter] = useState<string | null>(null);
  const [cmp, setCmp] = useState<MethodResult<"history.compare"> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call("history.list", {}).then(setList, (e) => setError(errorText(e)));
  }, []);
  const compare = async () => {
    if (!before || !after) return;
    setError(null);
    try {
      setCmp(await api.call("history.compare", { before, after }));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section>
      <h2>History</h2>
      {list.length === 0 && <p>No saved speed tests yet.</p>}
      <table>
        <caption>Saved speed tests: pick a "before" and an "after" to compare</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Server</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {list.map((h) => (
            <tr>
              <td>{new Date(h.savedAt).toLocaleString()}</td>
              <td>{String((h.result as { server?: { host?: string } }).server?.host ?? "")}</td>
              <td>
                <input
                  type="radio"
                  name="before"
                  aria-label={`Before: ${h.savedAt}`}
                  checked={before === h.id}
                  onChange={() => setBefore(h.id)}
                />
              </td>
              <td>
                <input
                  type="radio"
                  name="after"
                  aria-label={`After: ${h.savedAt}`}
                  checked={after === h.id}
                  onChange={() => setAfter(h.id)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" disabled={!before || !after} onClick={() => void compare()}>
        Compare
      </button>
      <ErrorLine error={error} />
      {cmp && (
        <div class="card" aria-label="Comparison">
          <p class="ratio">
            Before {formatBps(cmp.beforeBps)} → after {formatBps(cmp.afterBps)}
            {cmp.ratio !== null && ` (${cmp.ratio.toFixed(2)}×)`}
          </p>
          {cmp.differences.length > 0 && (
            <ul>
              {cmp.differences.map((d) => (
                <li>{d}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

// ---- settings ----------------------------------------------------------------------------------

function Settings({ info }: { info: MethodResult<"app.info"> | null }) {
  const [s, setS] = useState<MethodResult<"settings.get"> | null>(null);
  const [server, setServer] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call("settings.get", {}).then(
      (v) => {
        setS(v);
        setServer(v.defaultServer);
      },
      (e) => setError(errorText(e)),
    );
  }, []);
  const patch = async (p: { startAtLogin?: boolean; startHidden?: boolean; defaultServer?: string }) => {
    setError(null);
    try {
      setS(await api.call("settings.set", p));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section>
      <h2>Settings</h2>
      {s && (
        <div class="form">
          <label class="check">
            <input
              type="checkbox"
              checked={s.startAtLogin}
              disabled={info?.autostartAvailable === false}
              onChange={(e) => void patch({ startAtLogin: e.currentTarget.checked })}
            />
            Start Tenbolt when I log in
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={s.startHidden}
              onChange={(e) => void patch({ startHidden: e.currentTarget.checked })}
            />
            Start hidden in the tray
          </label>
          <label>
            Default speed-test server
            <input value={server} onInput={(e) => setServer(e.currentTarget.value)} />
          </label>
          <button type="button" onClick={() => void patch({ defaultServer: server.trim() })}>
            Save server
          </button>
        </div>
      )}
      <ErrorLine error={error} />
      <h2>About</h2>
      {info && (
        <dl class="card">
          <dt>Tenbolt</dt>
          <dd>{info.versions.tenbolt}</dd>
          <dt>Kernel</dt>
          <dd>{info.versions.kernel ?? "unknown"}</dd>
          <dt>Driver</dt>
          <dd>{info.versions.driver}</dd>
          <dt>Licence</dt>
          <dd>{info.licence}</dd>
          <dt>Results</dt>
          <dd>{info.paths.data}</dd>
          <dt>Settings</dt>
          <dd>{info.paths.config}</dd>
          <dt>Logs</dt>
          <dd>{info.paths.logs}</dd>
          <dt>Root helper</dt>
          <dd>{info.paths.helper}</dd>
        </dl>
      )}
    </section>
  );
}

// ---- the shell ---------------------------------------------------------------------------------

function App() {
  const [screen, setScreen] = useState<Screen>("overview");
  const [preset, setPreset] = useState<string | null>(null);
  const [state, setState] = useState<AppState | null>(null);
  const [info, setInfo] = useState<MethodResult<"app.info"> | null>(null);
  const [connected, setConnected] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const nav: Nav = (s, p) => {
    setPreset(p ?? null);
    setScreen(s);
  };
  useEffect(() => {
    transport.onConnection((c) => {
      setConnected(c);
      if (c) api.call("state.get", {}).then(setState, (e) => setError(errorText(e)));
    });
    api.call("state.get", {}).then(setState, (e) => setError(errorText(e)));
    api.call("app.info", {}).then(setInfo, () => undefined);
    return api.on((e) => {
      if (e.type === "state") setState(e.state);
      else if (e.type === "navigate") nav(e.screen);
    });
  }, []);
  return (
    <div class="app">
      <nav aria-label="Screens">
        <h1>Tenbolt</h1>
        <ul>
          {SCREENS.map((s) => (
            <li>
              <button
                type="button"
                aria-current={screen === s.id ? "page" : undefined}
                onClick={() => nav(s.id)}
              >
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {!connected && (
          <p class="banner" role="alert">
            Connection lost: trying to reconnect…
          </p>
        )}
        <ErrorLine error={error} />
        {screen === "overview" && <Overview state={state} nav={nav} captured={info?.captured ?? false} />}
        {screen === "driver" && <Driver />}
        {screen === "presets" && <Presets selected={preset} state={state} />}
        {screen === "speedtest" && <SpeedTest />}
        {screen === "history" && <History />}
        {screen === "settings" && <Settings info={info} />}
      </main>
    </div>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);

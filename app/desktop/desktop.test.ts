import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppState, Settings } from "../api/contract.js";
import {
  ICON_STATES,
  iconFile,
  iconState,
  trayModel,
  quickServer,
  TRAY_PRESET,
  type TrayItem,
} from "./tray-model.js";
import { closeAction, hotplugNotice, quickSpeedtestArgs, startHidden } from "./rules.js";
import { appFilePath, isAppFrame } from "./app-protocol.js";
import { XdgAutostart, autostartDir, quoteExecArg } from "./autostart.js";

// Only the fields the tray reads; the rest of AppState does not matter to these decisions.
function state(o: {
  adapter?: boolean;
  carrier?: boolean;
  speed?: number;
  order?: number;
  translated?: boolean | null;
  patched?: boolean;
  preset?: string;
  busy?: boolean;
  last?: boolean;
}): AppState {
  const adapter = {
    model: "QNAP QNA-T310G1S",
    nic: {
      chip: "AQC100",
      vendorName: "Aquantia",
      interface: "enp99s0",
      carrier: o.carrier ?? true,
      linkSpeedMbps: o.speed ?? 10000,
      maxSpeedMbps: 10000,
    },
    driver: { rxPageOrder: o.order ?? 0 },
    iommu: { translated: o.translated === undefined ? true : o.translated },
  };
  return {
    report: { adapters: o.adapter === false ? [] : [adapter] },
    driver: { module: { patched: o.patched ?? false } },
    presets: o.preset ? { enp99s0: o.preset } : {},
    lastSpeedtest: o.last
      ? { id: "x", savedAt: "", direction: "download", server: "nas.local", bitsPerSecond: 9.31e9 }
      : null,
    busy: o.busy ? { job: "j1", kind: "preset" } : null,
    detectedAt: "",
  } as unknown as AppState;
}

const settings: Settings = {
  startAtLogin: false,
  startHidden: false,
  defaultServer: "nas.local",
  recentServers: [],
};

function find(items: TrayItem[], prefix: string): TrayItem | undefined {
  return items.find((i) => i.type !== "separator" && i.label.startsWith(prefix));
}

test("icon: no adapter, working, slow (strict IOMMU with order-0 pages, link down, low speed), fast", () => {
  assert.equal(iconState(state({ adapter: false })), "no-adapter");
  assert.equal(iconState(state({ busy: true })), "working");
  assert.equal(iconState(null), "working");
  assert.equal(iconState(state({})), "slow");
  assert.equal(iconState(state({ carrier: false, order: 3 })), "slow");
  assert.equal(iconState(state({ speed: 5000, order: 3 })), "slow");
  assert.equal(iconState(state({ order: 3 })), "fast");
  assert.equal(iconState(state({ translated: false })), "fast");
});

test("tray status lines: adapter and chip, link speed, preset, last test", () => {
  const m = trayModel(state({ preset: TRAY_PRESET, patched: true, order: 3, last: true }), settings);
  const labels = m.items.filter((i) => i.type === "status").map((i) => (i.type === "status" ? i.label : ""));
  assert.deepEqual(labels, [
    "QNAP QNA-T310G1S (AQC100)",
    "Link: 10 Gbit/s",
    `Preset: ${TRAY_PRESET}`,
    "Last test: 9.31 Gbit/s download from nas.local",
  ]);
  assert.equal(m.icon, "fast");
  assert.deepEqual(trayModel(state({ carrier: false }), settings).items[1], {
    type: "status",
    label: "Link: link down",
  });
  assert.equal(
    trayModel(state({ adapter: false }), settings).items[0]?.type === "status" &&
      trayModel(state({ adapter: false }), settings).tooltip,
    "Tenbolt: No adapter found",
  );
});

test("the checkbox applies, reverts, and is disabled with the reason when the patched driver is missing", () => {
  const missing = trayModel(state({ patched: false }), settings);
  const box = missing.items.find((i) => i.type === "checkbox");
  assert.ok(box && box.type === "checkbox");
  assert.equal(box.enabled, false);
  assert.match(box.label, /needs the patched driver/);
  assert.deepEqual(
    find(missing.items, "Install the patched driver")?.type === "action" &&
      (find(missing.items, "Install the patched driver") as { action: unknown }).action,
    { kind: "navigate", screen: "driver" },
  );

  const off = trayModel(state({ patched: true }), settings).items.find((i) => i.type === "checkbox");
  assert.deepEqual(off && off.type === "checkbox" && [off.checked, off.enabled, off.action], [
    false,
    true,
    { kind: "preset", action: "apply", iface: "enp99s0" },
  ]);
  const on = trayModel(state({ patched: true, preset: TRAY_PRESET }), settings).items.find(
    (i) => i.type === "checkbox",
  );
  assert.deepEqual(on && on.type === "checkbox" && [on.checked, on.action], [
    true,
    { kind: "preset", action: "revert", iface: "enp99s0" },
  ]);
  const busy = trayModel(state({ patched: true, busy: true }), settings).items.find(
    (i) => i.type === "checkbox",
  );
  assert.equal(busy && busy.type === "checkbox" && busy.enabled, false);
});

test("quick speed test: last server, else default; disabled without one; 5 s download", () => {
  assert.equal(quickServer(state({}), { ...settings, recentServers: ["10.0.0.2"] }), "10.0.0.2");
  assert.equal(quickServer(state({}), settings), "nas.local");
  const none = trayModel(state({}), { ...settings, defaultServer: "" });
  const item = find(none.items, "Run quick speed test");
  assert.ok(item && item.type === "action");
  assert.equal(item.enabled, false);
  assert.deepEqual(quickSpeedtestArgs("nas.local"), {
    host: "nas.local",
    direction: "download",
    seconds: 5,
    streams: 1,
    save: true,
  });
  const labels = trayModel(null, null).items.map((i) => (i.type === "separator" ? "-" : i.label));
  assert.deepEqual(labels.slice(-2), ["Open Tenbolt", "Quit"]);
});

test("closing hides to the tray only when a tray is shown; --hidden needs a tray", () => {
  assert.equal(closeAction({ trayShown: true, quitting: false }), "hide");
  assert.equal(closeAction({ trayShown: false, quitting: false }), "quit");
  assert.equal(closeAction({ trayShown: true, quitting: true }), "quit");
  assert.equal(startHidden(["electron", ".", "--hidden"], true), true);
  assert.equal(startHidden(["electron", ".", "--hidden"], false), false);
  assert.equal(startHidden(["electron", "."], true), false);
});

test("hot-plug notices: not for 'changed', not while focused, once per text within 10 s", () => {
  const e = { type: "hotplug", change: "added", text: "QNA-T310G1S connected" } as const;
  assert.deepEqual(hotplugNotice(e, { windowFocused: false, last: null, now: 0 }), {
    title: "Adapter connected",
    body: e.text,
  });
  assert.equal(
    hotplugNotice({ ...e, change: "changed" }, { windowFocused: false, last: null, now: 0 }),
    null,
  );
  assert.equal(hotplugNotice(e, { windowFocused: true, last: null, now: 0 }), null);
  assert.equal(hotplugNotice(e, { windowFocused: false, last: { text: e.text, at: 0 }, now: 5000 }), null);
  assert.ok(hotplugNotice(e, { windowFocused: false, last: { text: e.text, at: 0 }, now: 11000 }));
  assert.equal(
    hotplugNotice({ type: "navigate", screen: "driver" }, { windowFocused: false, last: null, now: 0 }),
    null,
  );
});

test("tenbolt://app/ serves only files under the renderer dir; only the app frame may call", () => {
  const base = "/opt/tenbolt/dist/renderer";
  assert.equal(appFilePath(base, "tenbolt://app/"), `${base}/index.html`);
  assert.equal(appFilePath(base, "tenbolt://app/app.js"), `${base}/app.js`);
  assert.equal(appFilePath(base, "tenbolt://app/../../etc/passwd.js"), `${base}/etc/passwd.js`); // URL parsing folds ..
  assert.equal(appFilePath(base, "tenbolt://app/%2e%2e/%2e%2e/secret.js"), `${base}/secret.js`);
  assert.equal(appFilePath(base, "tenbolt://app/..%2f..%2fsecret.js"), null);
  assert.equal(appFilePath(base, "tenbolt://app/a%5c..%5c..%5cx.js"), null);
  assert.equal(appFilePath(base, "tenbolt://other/app.js"), null);
  assert.equal(appFilePath(base, "tenbolt://app/main.ts"), null);
  assert.equal(appFilePath(base, "tenbolt://app/x%00.js"), null);
  assert.equal(isAppFrame("tenbolt://app/index.html"), true);
  assert.equal(isAppFrame("https://app/index.html"), false);
  assert.equal(isAppFrame("tenbolt://evil/index.html"), false);
  assert.equal(isAppFrame(undefined), false);
});

test("autostart writes and removes only its own entry, with --hidden when chosen", () => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-autostart-"));
  try {
    const env = { XDG_CONFIG_HOME: join(dir, "cfg"), HOME: dir };
    assert.equal(autostartDir(env), join(dir, "cfg", "autostart"));
    assert.equal(autostartDir({ HOME: dir, XDG_CONFIG_HOME: "relative" }), join(dir, ".config", "autostart"));
    const a = new XdgAutostart({ command: ["/opt/Tenbolt/tenbolt"], env });
    a.set(true, true);
    const text = readFileSync(a.path, "utf8");
    assert.match(text, /^\[Desktop Entry\]\n/);
    assert.match(text, /^Exec=\/opt\/Tenbolt\/tenbolt --hidden$/m);
    assert.match(text, /^X-GNOME-Autostart-enabled=true$/m);
    assert.equal(statSync(a.path).mode & 0o777, 0o644);
    a.set(true, false);
    assert.match(readFileSync(a.path, "utf8"), /^Exec=\/opt\/Tenbolt\/tenbolt$/m);
    a.set(false, false);
    assert.equal(existsSync(a.path), false);
    a.set(false, false); // already gone: fine
    assert.equal(quoteExecArg("/home/a b/app"), '"/home/a b/app"');
    assert.equal(quoteExecArg("50%"), "50%%");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every icon state has a colour and a symbolic PNG", () => {
  for (const icon of ICON_STATES)
    for (const symbolic of [false, true]) {
      const png = readFileSync(join("main/assets/tray", iconFile(icon, symbolic)));
      assert.equal(png.subarray(1, 4).toString("latin1"), "PNG", `${icon} ${symbolic}`);
    }
});

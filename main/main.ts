// The Electron main process, kept thin: one window on the tenbolt://app/ protocol, the contract over
// IPC through the same dispatch gate as the web host, the tray, hot-plug and notifications. Every
// decision it acts on is a pure function in app/desktop/ or app/hotplug/ with tests.
import { app, BrowserWindow, ipcMain, Notification, protocol, session, type WebContents } from "electron";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dispatch } from "../app/api/dispatch.js";
import { createService } from "../app/api/service.js";
import { productionDeps } from "../app/api/production.js";
import type { ApiEvent, AppState, Settings } from "../app/api/contract.js";
import { CONTENT_SECURITY_POLICY } from "../app/ui-policy/csp.js";
import { APP_URL, appFilePath, contentType, isAppFrame } from "../app/desktop/app-protocol.js";
import { TRAY_PRESET, trayModel, type TrayAction } from "../app/desktop/tray-model.js";
import {
  closeAction,
  hotplugNotice,
  quickSpeedtestArgs,
  speedtestNotice,
  startHidden,
} from "../app/desktop/rules.js";
import { XdgAutostart } from "../app/desktop/autostart.js";
import { startHotplugWatcher } from "../app/hotplug/watcher.js";
import { TenboltTray } from "./tray.js";

const here = dirname(fileURLToPath(import.meta.url));
const appRoot = join(here, "..", "..");
const rendererDir = join(appRoot, "dist", "renderer");
const assetsDir = join(appRoot, "main", "assets");

// Electron 36+ picks GTK 4 on GNOME and aborts when GTK 3 symbols load (electron/electron#46538).
app.commandLine.appendSwitch("gtk-version", "3");

protocol.registerSchemesAsPrivileged([
  { scheme: "tenbolt", privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main();
}

async function main(): Promise<void> {
  let win: BrowserWindow | null = null;
  let tray: TenboltTray | null = null;
  let quitting = false;
  let state: AppState | null = null;
  let settings: Settings | null = null;
  let lastNotice: { text: string; at: number } | null = null;

  const service = createService(
    productionDeps({
      face: "electron",
      autostart: new XdgAutostart({ command: [process.execPath, ...(app.isPackaged ? [] : [appRoot])] }),
      versions: { electron: process.versions.electron ?? null, chromium: process.versions.chrome ?? null },
    }),
  );

  function notify(n: { title: string; body: string } | null): void {
    if (n && Notification.isSupported()) new Notification({ title: n.title, body: n.body }).show();
  }

  function show(): void {
    if (!win) win = createWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  function refreshTray(): void {
    tray?.update(trayModel(state, settings));
  }

  async function onTray(a: TrayAction): Promise<void> {
    switch (a.kind) {
      case "open":
        return show();
      case "quit":
        quitting = true;
        return app.quit();
      case "navigate":
        show();
        return send({ type: "navigate", screen: a.screen });
      case "preset": {
        const target =
          a.action === "apply"
            ? { action: "apply", name: TRAY_PRESET, iface: a.iface }
            : { action: "revert", iface: a.iface };
        const r = await dispatch(service, "presets.run", target);
        if (!r.ok) notify({ title: "Preset not changed", body: r.error.message });
        return;
      }
      case "quick-speedtest": {
        const r = await dispatch(service, "speedtest.run", quickSpeedtestArgs(a.host));
        const bps = r.ok
          ? (r.value as { result: { received: { bitsPerSecond: number } } }).result.received.bitsPerSecond
          : 0;
        notify(
          speedtestNotice(
            a.host,
            r.ok ? { ok: true, bitsPerSecond: bps } : { ok: false, message: r.error.message },
          ),
        );
        return;
      }
    }
  }

  function send(e: ApiEvent): void {
    if (win && !win.isDestroyed()) win.webContents.send("tenbolt:event", e);
  }

  function lockDown(contents: WebContents): void {
    contents.on("will-navigate", (e) => e.preventDefault());
    contents.on("will-redirect", (e) => e.preventDefault());
    contents.on("will-attach-webview", (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
  }

  function createWindow(): BrowserWindow {
    const w = new BrowserWindow({
      width: 1024,
      height: 720,
      minWidth: 800,
      minHeight: 600,
      show: false,
      title: "Tenbolt",
      webPreferences: {
        preload: join(here, "preload.cjs"),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    lockDown(w.webContents);
    w.on("close", (e) => {
      if (closeAction({ trayShown: tray !== null, quitting }) === "hide") {
        e.preventDefault();
        w.hide();
      }
    });
    w.on("closed", () => {
      win = null;
    });
    w.once("ready-to-show", () => w.show());
    void w.loadURL(APP_URL);
    return w;
  }

  app.on("second-instance", () => show());
  app.on("before-quit", () => {
    quitting = true;
  });
  app.on("web-contents-created", (_e, contents) => lockDown(contents));

  await app.whenReady();

  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  protocol.handle("tenbolt", async (request) => {
    const file = appFilePath(rendererDir, request.url);
    if (file === null) return new Response("not found", { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          "content-type": contentType(file),
          "content-security-policy": CONTENT_SECURITY_POLICY,
          "x-content-type-options": "nosniff",
        },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });

  ipcMain.handle("tenbolt:call", (event, method: unknown, args: unknown) => {
    if (!isAppFrame(event.senderFrame?.url)) {
      return { ok: false, error: { message: "call refused: not from the Tenbolt window", kind: "usage" } };
    }
    return dispatch(service, method, args);
  });

  service.onEvent((e) => {
    send(e);
    if (e.type === "state") {
      state = e.state;
      // The quick test's server follows the settings (recent servers change after each test).
      void dispatch(service, "settings.get", {}).then((r) => {
        if (r.ok) settings = r.value as Settings;
        refreshTray();
      });
    }
    const n = hotplugNotice(e, {
      windowFocused: win?.isFocused() ?? false,
      last: lastNotice,
      now: Date.now(),
    });
    if (n) {
      lastNotice = { text: n.body, at: Date.now() };
      notify(n);
    }
  });

  const s = await dispatch(service, "settings.get", {});
  if (s.ok) settings = s.value as Settings;
  const st = await dispatch(service, "state.get", {});
  if (st.ok) state = st.value as AppState;

  try {
    // Symbolic (monochrome) icons where the desktop themes the panel; colour elsewhere.
    const symbolic = /gnome|unity/i.test(process.env.XDG_CURRENT_DESKTOP ?? "");
    tray = new TenboltTray(assetsDir, symbolic, (a) => void onTray(a));
    refreshTray();
  } catch {
    tray = null; // no tray on this desktop: the window is the app
  }

  const watcher = startHotplugWatcher({
    root: "/",
    onChange: (change, text) => void service.hotplug(change, text),
  });
  app.on("will-quit", () => {
    watcher.stop();
    service.close();
    tray?.destroy();
  });

  if (!startHidden(process.argv, tray !== null)) show();
}

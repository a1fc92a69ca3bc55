// `npm start`: the desktop app where an Electron binary exists; otherwise the same UI through
// `tenbolt ui` in the system's Chromium as an app window, or just its URL when there is no display.
import { existsSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";

if (!existsSync("dist/app/cli/main.js") || !existsSync("dist/renderer/index.html")) {
  const b = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

/**
 * The Electron binary's path, or why there is none. Asked in a child process with its output kept:
 * electron 42+ tries to download the binary on first use and prints the failure at length.
 */
function electronBinary() {
  const r = spawnSync(process.execPath, ["-e", 'process.stdout.write(require("electron"))'], {
    encoding: "utf8",
    timeout: 20_000,
  });
  const path = r.stdout.trim();
  if (r.status === 0 && path && existsSync(path)) return { path };
  const why = (r.stderr || "").split("\n").find((l) => /Electron|Error/.test(l)) ?? "not installed";
  return { why: why.trim() };
}

function onPath(names) {
  for (const n of names) {
    const r = spawnSync("sh", ["-c", 'command -v "$1"', "sh", n], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

const electron = electronBinary();
if ("path" in electron) {
  const app = spawn(electron.path, ["."], { stdio: "inherit" });
  app.on("exit", (code) => process.exit(code ?? 0));
} else {
  console.log(`No Electron binary (${electron.why}): opening the web UI instead.`);
  const ui = spawn(process.execPath, ["bin/tenbolt.js", "ui", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => ui.kill(sig));
  ui.on("exit", (code) => process.exit(code ?? 0));
  const lines = createInterface({ input: ui.stdout });
  let first = true;
  lines.on("line", (line) => {
    console.log(line);
    if (!first) return;
    first = false;
    const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
    const browser = display ? onPath(["chromium", "chromium-browser", "google-chrome"]) : null;
    if (browser) spawn(browser, [`--app=${line}`], { stdio: "ignore", detached: true }).unref();
    else console.log("No display or Chromium here: open the URL above in a browser (Ctrl-C stops).");
  });
}

// Smoke test of the real Electron app: launch it, read the overview. It needs an Electron binary and a
// display; where either is missing (this CI machine cannot download Electron) it is skipped with the
// reason, the only skip the suite allows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";

function electronBinary(): { path: string } | { reason: string } {
  try {
    // The electron package's main export is the binary's path; it throws when the binary is absent.
    const path: unknown = createRequire(import.meta.url)("electron");
    if (typeof path !== "string" || !existsSync(path))
      return { reason: `no Electron binary at ${String(path)}` };
    return { path };
  } catch (e) {
    return { reason: `no Electron binary: ${(e as Error).message.split("\n")[0]}` };
  }
}

test("electron: the window opens on the overview", { timeout: 60_000 }, async (t) => {
  const bin = electronBinary();
  if ("reason" in bin) return t.skip(bin.reason);
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return t.skip("no display (run under xvfb-run)");
  const pw = "playwright-core"; // a variable, so the type check does not need playwright-core's types
  const { _electron } = (await import(pw)) as {
    _electron: {
      launch(o: { executablePath: string; args: string[] }): Promise<{
        firstWindow(): Promise<{
          waitForSelector(s: string): Promise<unknown>;
          textContent(s: string): Promise<string | null>;
        }>;
        close(): Promise<void>;
      }>;
    };
  };
  const app = await _electron.launch({ executablePath: bin.path, args: ["."] });
  try {
    const win = await app.firstWindow();
    await win.waitForSelector("main");
    const text = (await win.textContent("main")) ?? "";
    assert.match(text, /adapter/i);
  } finally {
    await app.close();
  }
});

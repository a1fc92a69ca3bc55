// Builds the renderer: type-checks it (tsc with the DOM lib), then bundles app.js and app.css with
// esbuild (minified, no inline script or style: the CSP allows only 'self') into dist/renderer/.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tsc = spawnSync(
  process.execPath,
  [require.resolve("typescript/bin/tsc"), "-p", "renderer/tsconfig.json"],
  {
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

mkdirSync("dist/renderer", { recursive: true });
await build({
  entryPoints: { app: "renderer/app.tsx" },
  bundle: true,
  minify: true,
  format: "esm",
  target: "chrome120",
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: "dist/renderer",
  logLevel: "warning",
});
await build({
  entryPoints: { app: "renderer/app.css" },
  bundle: true,
  minify: true,
  outdir: "dist/renderer",
  logLevel: "warning",
});
copyFileSync("renderer/index.html", "dist/renderer/index.html");

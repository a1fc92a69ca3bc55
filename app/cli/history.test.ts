import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "./main.js";
import { memoryIo } from "./io.js";
import { formatDate } from "./history.js";
import { historyDir, saveResult } from "../history/index.js";

const CONTEXT = {
  adapter: { pciAddress: "0000:63:00.0", chip: "AQC100", model: null, interface: "enp99s0" },
  driver: { name: "atlantic", patched: false, rxPageOrder: 0 },
  preset: null,
  kernel: "6.12.117+deb12-amd64",
};

async function withHistory(fn: (xdg: string) => Promise<void>) {
  const xdg = mkdtempSync(join(tmpdir(), "tenbolt-cli-history-"));
  try {
    await fn(xdg);
  } finally {
    rmSync(xdg, { recursive: true, force: true });
  }
}

test("tenbolt history: a table, newest first, tolerant of results lacking fields", async () => {
  await withHistory(async (xdg) => {
    const env = { XDG_DATA_HOME: xdg };
    const before = new Date("2026-11-20T09:05:00Z");
    const after = new Date("2026-11-21T17:30:00Z");
    saveResult(
      {
        result: {
          direction: "download",
          streams: 1,
          server: { host: "nas.local", port: 5201 },
          sent: { bytes: 0, bitsPerSecond: 0 },
          received: { bytes: 1, bitsPerSecond: 2.26e9 },
        },
        context: CONTEXT,
        savedAt: before,
      },
      { env },
    );
    saveResult(
      {
        result: { direction: "download", received: { bitsPerSecond: 9.28e9 } },
        context: {
          ...CONTEXT,
          driver: { name: "atlantic", patched: true, rxPageOrder: 3 },
          preset: "iommu-safe-performance",
        },
        savedAt: after,
      },
      { env },
    );
    const io = memoryIo(env);
    assert.equal(await main(["history"], io), 0);
    const lines = io.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 3);
    assert.match(
      lines[0] ?? "",
      /^date\s+host\s+direction\s+sent Gbit\/s\s+received Gbit\/s\s+streams\s+page order\s+preset$/,
    );
    assert.match(
      lines[1] ?? "",
      new RegExp(
        `^${formatDate(after)}\\s+-\\s+download\\s+-\\s+9\\.28\\s+-\\s+3\\s+iommu-safe-performance$`,
      ),
    );
    assert.match(
      lines[2] ?? "",
      new RegExp(`^${formatDate(before)}\\s+nas\\.local\\s+download\\s+0\\.00\\s+2\\.26\\s+1\\s+0\\s+-$`),
    );
    assert.equal(io.stderr, "");

    const limited = memoryIo(env);
    assert.equal(await main(["history", "--limit", "1"], limited), 0);
    assert.equal(limited.stdout.trimEnd().split("\n").length, 2);

    const json = memoryIo(env);
    assert.equal(await main(["history", "--json"], json), 0);
    const parsed = JSON.parse(json.stdout) as { savedAt: string; context: { preset: string | null } }[];
    assert.deepEqual(
      parsed.map((e) => e.savedAt),
      [after.toISOString(), before.toISOString()],
    );
  });
});

test("tenbolt history: corrupt files are warned about on stderr, JSON stays clean", async () => {
  await withHistory(async (xdg) => {
    const env = { XDG_DATA_HOME: xdg };
    saveResult({ result: { direction: "upload" }, context: CONTEXT }, { env });
    writeFileSync(join(historyDir({ env }), "broken.json"), "{");
    const io = memoryIo(env);
    assert.equal(await main(["history", "--json"], io), 0);
    assert.equal((JSON.parse(io.stdout) as unknown[]).length, 1);
    assert.match(io.stderr, /^tenbolt: skipped .*broken\.json: not valid JSON/);
  });
});

test("tenbolt history: empty history, bad --limit, history folder that is a file", async () => {
  await withHistory(async (xdg) => {
    const env = { XDG_DATA_HOME: xdg };
    const empty = memoryIo(env);
    assert.equal(await main(["history"], empty), 0);
    assert.match(empty.stdout, /No speed test results saved yet/);
    const emptyJson = memoryIo(env);
    assert.equal(await main(["history", "--json"], emptyJson), 0);
    assert.deepEqual(JSON.parse(emptyJson.stdout), []);

    for (const bad of ["0", "-1", "x", "1.5"]) {
      const io = memoryIo(env);
      assert.equal(await main(["history", "--limit", bad], io), 2, bad);
      assert.match(io.stderr, /--limit needs a positive whole number/);
    }

    writeFileSync(join(xdg, "tenbolt"), "");
    const io = memoryIo(env);
    assert.equal(await main(["history"], io), 1);
    assert.match(io.stderr, /^tenbolt: cannot read the history folder/);
    assert.ok(!io.stderr.includes("    at "));
  });
});

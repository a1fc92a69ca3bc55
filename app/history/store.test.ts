import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import { historyDir, tenboltDataDir } from "./paths.js";
import { HistoryEntrySchema, type HistoryContext } from "./schema.js";
import { listResults, saveResult } from "./store.js";

const CONTEXT: HistoryContext = {
  adapter: { pciAddress: "0000:63:00.0", chip: "AQC100", model: "QNAP QNA-T310G1S", interface: "enp99s0" },
  driver: { name: "atlantic", patched: true, rxPageOrder: 3 },
  preset: "iommu-safe-performance",
  kernel: "6.12.117+deb12-amd64",
};

const RESULT = { direction: "download", streams: 1, received: { bytes: 1, bitsPerSecond: 9.28e9 } };

function withDir(fn: (dataDir: string) => void) {
  const dataDir = mkdtempSync(join(tmpdir(), "tenbolt-history-"));
  try {
    fn(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test("saveResult writes one private JSON file per result; listResults reads it back", () => {
  withDir((dataDir) => {
    const saved = saveResult({ result: RESULT, context: CONTEXT }, { dataDir });
    const dir = historyDir({ dataDir });
    assert.deepEqual(readdirSync(dir), [`${saved.id}.json`]);
    assert.equal(statSync(join(dir, `${saved.id}.json`)).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const onDisk: unknown = JSON.parse(readFileSync(join(dir, `${saved.id}.json`), "utf8"));
    assert.deepEqual(HistoryEntrySchema.parse(onDisk), saved);
    assert.deepEqual(listResults({ dataDir }), [saved]);
  });
});

test("listResults: newest first, by the saved time; limit keeps the newest", () => {
  withDir((dataDir) => {
    const at = (iso: string) =>
      saveResult({ result: RESULT, context: CONTEXT, savedAt: new Date(iso) }, { dataDir });
    const mid = at("2026-11-20T10:00:00Z");
    const newest = at("2026-11-25T10:00:00Z");
    const oldest = at("2026-01-01T00:00:00Z");
    assert.deepEqual(
      listResults({ dataDir }).map((e) => e.id),
      [newest.id, mid.id, oldest.id],
    );
    assert.deepEqual(
      listResults({ dataDir, limit: 2 }).map((e) => e.id),
      [newest.id, mid.id],
    );
    // Same second twice: both kept (unique ids), nothing overwritten.
    at("2026-11-25T10:00:00Z");
    assert.equal(listResults({ dataDir }).length, 4);
  });
});

test("a temporary file left by a crash is ignored and earlier results are intact", () => {
  withDir((dataDir) => {
    const first = saveResult({ result: RESULT, context: CONTEXT }, { dataDir });
    const dir = historyDir({ dataDir });
    const before = readFileSync(join(dir, `${first.id}.json`), "utf8");
    // What a power cut between write and rename leaves behind: a torn temporary file.
    writeFileSync(join(dir, `.20261126T120000000Z-abcdef.json.4242.0badf00d.tmp`), '{"format":"tenbolt.hist');
    const warnings: string[] = [];
    assert.deepEqual(listResults({ dataDir, onWarning: (m) => warnings.push(m) }), [first]);
    assert.deepEqual(warnings, [], "temporary files are not results and not worth a warning");
    assert.equal(readFileSync(join(dir, `${first.id}.json`), "utf8"), before);
  });
});

test("a write that fails before the rename leaves no trace and touches nothing else", () => {
  withDir((dir) => {
    writeFileSync(join(dir, "keep.json"), "precious\n");
    // The final name is taken by a directory: rename fails after the data was written and synced.
    mkdirSync(join(dir, "victim.json"));
    writeFileSync(join(dir, "victim.json", "x"), "");
    assert.throws(() => writeFileAtomic(dir, "victim.json", "new data"));
    assert.deepEqual(readdirSync(dir).sort(), ["keep.json", "victim.json"]);
    assert.equal(readFileSync(join(dir, "keep.json"), "utf8"), "precious\n");
    // And the success path replaces nothing but its own name.
    writeFileAtomic(dir, "new.json", "fresh");
    assert.equal(readFileSync(join(dir, "new.json"), "utf8"), "fresh");
    assert.equal(readFileSync(join(dir, "keep.json"), "utf8"), "precious\n");
  });
});

test("corrupt and foreign files are skipped with a warning, never a crash", () => {
  withDir((dataDir) => {
    const good = saveResult({ result: RESULT, context: CONTEXT }, { dataDir });
    const dir = historyDir({ dataDir });
    writeFileSync(join(dir, "truncated.json"), '{"format":"tenbolt.history/1","id":"x","sav');
    writeFileSync(join(dir, "foreign.json"), JSON.stringify({ hello: "world" }));
    writeFileSync(join(dir, "array.json"), "[1,2,3]");
    writeFileSync(join(dir, "binary.json"), Buffer.from([0, 159, 146, 150, 255]));
    writeFileSync(join(dir, "notes.txt"), "my notes");
    mkdirSync(join(dir, "folder.json"));
    const badResult = { ...good, id: "bad-result", result: "not an object" };
    writeFileSync(join(dir, "bad-result.json"), JSON.stringify(badResult));
    const warnings: string[] = [];
    assert.deepEqual(listResults({ dataDir, onWarning: (m) => warnings.push(m) }), [good]);
    assert.equal(warnings.length, 7);
    assert.ok(warnings.some((w) => w.includes("truncated.json") && w.includes("not valid JSON")));
    assert.ok(warnings.some((w) => w.includes("foreign.json") && w.includes("not a Tenbolt history entry")));
    assert.ok(warnings.some((w) => w.includes("bad-result.json") && w.includes("result")));
  });
});

test("a missing history folder is empty; a file in its place is one clear error", () => {
  withDir((dataDir) => {
    assert.deepEqual(listResults({ dataDir }), []);
    writeFileSync(join(dataDir, "history"), "");
    assert.throws(
      () => listResults({ dataDir }),
      (e) => e instanceof UserError && /cannot read the history folder/.test(e.message),
    );
    assert.throws(
      () => saveResult({ result: RESULT, context: CONTEXT }, { dataDir }),
      (e) => e instanceof UserError && /cannot save the result in/.test(e.message),
    );
  });
});

test("saveResult refuses a result that is not an object", () => {
  withDir((dataDir) => {
    assert.throws(
      () => saveResult({ result: [1, 2] as unknown as object, context: CONTEXT }, { dataDir }),
      (e) => e instanceof UserError && /result/.test(e.message),
    );
    assert.deepEqual(listResults({ dataDir }), []);
  });
});

test("XDG_DATA_HOME: absolute honoured, relative or empty ignored, HOME fallback", () => {
  assert.equal(tenboltDataDir({ XDG_DATA_HOME: "/data/x", HOME: "/home/u" }), "/data/x/tenbolt");
  assert.equal(tenboltDataDir({ XDG_DATA_HOME: "rel/dir", HOME: "/home/u" }), "/home/u/.local/share/tenbolt");
  assert.equal(tenboltDataDir({ XDG_DATA_HOME: "", HOME: "/home/u" }), "/home/u/.local/share/tenbolt");
  assert.equal(tenboltDataDir({ HOME: "/home/u" }), "/home/u/.local/share/tenbolt");
  assert.equal(historyDir({ env: { XDG_DATA_HOME: "/d" } }), "/d/tenbolt/history");
  assert.equal(historyDir({ dataDir: "/elsewhere", env: { XDG_DATA_HOME: "/d" } }), "/elsewhere/history");
  withDir((xdg) => {
    const saved = saveResult({ result: RESULT, context: CONTEXT }, { env: { XDG_DATA_HOME: xdg } });
    assert.deepEqual(readdirSync(join(xdg, "tenbolt", "history")), [`${saved.id}.json`]);
  });
});

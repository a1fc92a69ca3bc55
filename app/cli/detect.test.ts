// `tenbolt detect` and `tenbolt capture` through the real command line parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "./main.js";
import { memoryIo } from "./io.js";
import { ReportSchema } from "../detect/report.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));

async function run(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

test("detect --json prints the Report with the documented fields", async () => {
  const r = await run("detect", "--root", FIXTURES + "amd-strix-qna-t310g1s-stock", "--json");
  assert.equal(r.code, 0, r.err);
  const report = ReportSchema.parse(JSON.parse(r.out));
  const a = report.adapters[0];
  assert.ok(a);
  assert.equal(a.nic.pciAddress, "0000:63:00.0");
  assert.equal(a.nic.vendorId, "1d6a");
  assert.equal(a.nic.deviceId, "00b1");
  assert.equal(a.thunderbolt?.device, "1-2");
  assert.equal(a.driver.rxPageOrder, 0);
  assert.ok(Array.isArray(report.findings));
});

test("detect prints an adapter card and says the tunnel's PCIe values are not the limit", async () => {
  const r = await run("detect", "--root", FIXTURES + "amd-strix-qna-t310g1s-stock");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Adapter 1: QNAP QNA-T310G1S/);
  assert.match(r.out, /AQC100 \[1d6a:00b1\] at 0000:63:00\.0/);
  assert.match(r.out, /enp99s0 .*up, carrier, 10000 Mb\/s, MTU 1500/);
  assert.match(r.out, /1-2 QNAP QNA-T310G1S, authorized, generation 3/);
  assert.match(r.out, /group 20, type DMA: DMA translated, strict invalidation/);
  assert.match(r.out, /atlantic, stock, RX page order 0/);
  // The MAC is set apart from the state; the tunnel note appears once (in the finding), not in the card too.
  assert.match(r.out, /enp99s0 \(MAC 24:5e:be:00:00:01\): up/);
  assert.match(
    r.out.replace(/\s+/g, " "),
    /8\.0 GT\/s PCIe x4 .*\(the card's own link inside the Thunderbolt adapter\)/,
  );
  assert.equal(r.out.replace(/\s+/g, " ").split("not a real limit").length - 1, 1, r.out);
  assert.ok(!r.out.includes("\x1b["), "no colour when not a terminal");
});

test("detect: no adapter, pending authorization, internal card", async () => {
  const none = await run("detect", "--root", FIXTURES + "laptop-no-adapter");
  assert.match(none.out, /No adapter with an atlantic NIC/);
  const pending = await run("detect", "--root", FIXTURES + "tb-not-authorized");
  assert.match(pending.out, /waiting for authorization[\s\S]*1-2 {2}QNAP QNA-T310G1S \(domain1\)/);
  const desk = await run("detect", "--root", FIXTURES + "desktop-aqc113-pcie");
  assert.match(desk.out, /Thunderbolt {2}no \(internal PCIe device\)/);
  assert.ok(
    !/not the real limit/.test(desk.out.replace(/\s+/g, " ")),
    "an internal card's PCIe link is real",
  );
});

test("detect: ambiguous pairing names the candidates; a dock is listed apart from the adapter", async () => {
  const amb = await run("detect", "--root", FIXTURES + "amd-strix-ambiguous-pairing");
  assert.match(
    amb.out.replace(/\s+/g, " "),
    /cannot tell which device carries it: 0-1 \(Example Storage TB3 SSD\), 1-2 \(QNAP QNA-T310G1S\)/,
  );
  assert.ok(!amb.out.includes("Other Thunderbolt devices"), "candidates are not 'other' devices");
  const dock = await run("detect", "--root", FIXTURES + "amd-strix-dock-aqc113-chain");
  assert.match(dock.out, /Thunderbolt {2}1-502 Example Adapters Ltd\. TB3 10GbE AQC113, authorized/);
  assert.match(dock.out, /Other Thunderbolt devices[^\n]*\n {2}1-2 {2}Example Docks Inc\. TB4 Dock/);
});

test("findings are grouped critical first", async () => {
  const r = await run("detect", "--root", FIXTURES + "intel-sonnet-solo10g-iommu-off");
  const report = ReportSchema.parse(
    JSON.parse((await run("detect", "--root", FIXTURES + "intel-sonnet-solo10g-iommu-off", "--json")).out),
  );
  const order = ["CRITICAL", "WARNING", "INFO", "OK"]
    .map((s) => r.out.indexOf(`  ${s} (`))
    .filter((i) => i >= 0);
  assert.ok(order.length >= 1);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  if (report.findings.some((f) => f.severity === "critical")) assert.ok(r.out.indexOf("  CRITICAL (") >= 0);
});

test("bad arguments: one line, exit 2", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-cli-"));
  try {
    writeFileSync(join(dir, "f"), "x");
    const cases: [string[], RegExp][] = [
      [["detect", "--frobnicate"], /unknown option '--frobnicate'/],
      [["detect", "--root"], /argument missing/],
      [["detect", "--root", join(dir, "nope")], /does not exist/],
      [["detect", "--root", join(dir, "f")], /is not a directory/],
      [["detect", "--root", ""], /--root needs a directory/],
      [["detect", "stray"], /too many arguments/],
      [["capture"], /required option '--out <dir>'/],
      [["capture", "--root", FIXTURES + "laptop-no-adapter", "--out", dir], /not empty/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err.split("\n")[0] as string, re);
      assert.ok(!r.err.includes("    at "), "no stack trace");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--help on both commands", async () => {
  for (const cmd of ["detect", "capture"]) {
    const r = await run(cmd, "--help");
    assert.equal(r.code, 0);
    assert.match(r.out, new RegExp(`Usage: tenbolt ${cmd}`));
    assert.match(r.out, /--root <dir>/);
  }
});

test("capture then detect --root prints the same report", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-cli-"));
  try {
    const out = join(dir, "cap");
    const fixture = FIXTURES + "amd-strix-qna-t310g1s-patched";
    const c = await run("capture", "--root", fixture, "--out", out);
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /Captured \d+ files/);
    const a = await run("detect", "--root", fixture);
    const b = await run("detect", "--root", out);
    assert.equal(b.out, a.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

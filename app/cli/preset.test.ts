import { test } from "node:test";
import assert from "node:assert/strict";
import { main } from "./main.js";
import { memoryIo } from "./io.js";

test("preset list names the three presets and marks the recommended one", async () => {
  const io = memoryIo();
  assert.equal(await main(["preset", "list"], io), 0);
  const lines = io.stdout.trim().split("\n");
  assert.deepEqual(
    lines.map((l) => l.split(/\s+/)[0]),
    ["stock", "iommu-safe-performance", "balanced"],
  );
  assert.match(lines[1] as string, /order 3, RX ring 512 .*recommended/);
});

test("preset explain covers IOMMU off, passthrough and lazy flushing with their trade-offs", async () => {
  const io = memoryIo();
  assert.equal(await main(["preset", "explain"], io), 0);
  for (const s of [/iommu=off/, /iommu=pt/, /DMA-FQ/, /no DMA protection at all/, /10 ms/])
    assert.match(io.stdout, s);
});

test("bad preset names and interface names are usage errors (exit 2), one line plus hint", async () => {
  for (const argv of [
    ["preset", "show", "turbo"],
    ["preset", "apply", "turbo", "--iface", "enp99s0"],
    ["preset", "apply", "stock", "--iface", "eth0;reboot"],
    ["preset", "revert", "--iface", "$(id)"],
    ["thunderbolt", "authorize", "../../x"],
  ]) {
    const io = memoryIo();
    assert.equal(await main(argv, io), 2, argv.join(" "));
    assert.equal(io.stderr.trim().split("\n").length, 2, io.stderr);
    assert.ok(!io.stderr.includes("    at "));
  }
});

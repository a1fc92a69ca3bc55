import { test } from "node:test";
import assert from "node:assert/strict";
import {
  makeAdapter,
  makeDetection,
  makePending,
  makeThunderboltDevice,
  findingsWith,
} from "../../../test/support/detection-factory.js";

test("no-adapter: fires when there is no NIC and nothing pending", () => {
  const [f, ...rest] = findingsWith(makeDetection({ adapters: [] }), "no-adapter");
  assert.equal(rest.length, 0);
  assert.equal(f?.severity, "warning");
  assert.ok(f?.actions.includes("boltctl list"));
});

test("no-adapter: mentions connected Thunderbolt devices (a dock without PCIe)", () => {
  const d = makeDetection({
    adapters: [],
    thunderboltDevices: [makeThunderboltDevice({ deviceName: "TB4 Dock" })],
  });
  const [f] = findingsWith(d, "no-adapter");
  assert.match(f?.detail ?? "", /connected and authorized/);
  assert.ok(f?.evidence.some((e) => e.includes("TB4 Dock")));
});

test("no-adapter: absent with an adapter, or with a device waiting for authorization", () => {
  assert.equal(findingsWith(makeDetection(), "no-adapter").length, 0);
  assert.equal(
    findingsWith(makeDetection({ adapters: [], pendingThunderbolt: [makePending()] }), "no-adapter").length,
    0,
  );
});

test("driver-not-loaded: fires when no driver is bound", () => {
  const d = makeDetection({
    adapters: [
      makeAdapter({ nic: { driver: null, interface: null }, driver: { loaded: false, rxPageOrder: null } }),
    ],
  });
  const [f] = findingsWith(d, "driver-not-loaded");
  assert.equal(f?.severity, "warning");
  assert.equal(f?.subject, "0000:63:00.0");
  assert.ok(f?.actions.includes("sudo modprobe atlantic"));
  // No page-order verdict about a driver that is not running.
  assert.equal(findingsWith(d, "rx-page-order-low").length, 0);
});

test("driver-not-loaded: module loaded but card not taken", () => {
  const d = makeDetection({ adapters: [makeAdapter({ nic: { driver: null, interface: null } })] });
  assert.match(findingsWith(d, "driver-not-loaded")[0]?.detail ?? "", /did not take this card/);
});

test("driver-not-loaded: another driver (vfio-pci) is only info", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ nic: { driver: "vfio-pci" }, driver: { loaded: false } })],
  });
  const [f] = findingsWith(d, "driver-not-loaded");
  assert.equal(f?.severity, "info");
  assert.match(f?.title ?? "", /vfio-pci/);
});

test("driver-not-loaded: absent when atlantic drives the card", () => {
  assert.equal(findingsWith(makeDetection(), "driver-not-loaded").length, 0);
});

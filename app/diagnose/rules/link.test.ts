import { test } from "node:test";
import assert from "node:assert/strict";
import { makeAdapter, makeDetection, findingsWith } from "../../../test/support/detection-factory.js";

test("link-down: no carrier", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ nic: { carrier: false, operstate: "down", linkSpeedMbps: null } })],
  });
  const [f] = findingsWith(d, "link-down");
  assert.equal(f?.severity, "warning");
  assert.match(f?.detail ?? "", /cable/);
  assert.ok(f?.actions.includes("ethtool enp99s0"));
});

test("link-down: administratively down (carrier unreadable) suggests ip link set up", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ nic: { carrier: null, operstate: "down", linkSpeedMbps: null } })],
  });
  const [f] = findingsWith(d, "link-down");
  assert.deepEqual(f?.actions, ["sudo ip link set enp99s0 up"]);
});

test("link-down: absent with carrier, unknown state, or no interface", () => {
  assert.equal(findingsWith(makeDetection(), "link-down").length, 0);
  const unknown = makeAdapter({ nic: { carrier: null, operstate: null } });
  assert.equal(findingsWith(makeDetection({ adapters: [unknown] }), "link-down").length, 0);
  const noIf = makeAdapter({
    nic: { carrier: false, interface: null, driver: null },
    driver: { loaded: false },
  });
  assert.equal(findingsWith(makeDetection({ adapters: [noIf] }), "link-down").length, 0);
});

test("link-not-10g: carrier up at 1000 on a 10G chip", () => {
  const d = makeDetection({ adapters: [makeAdapter({ nic: { linkSpeedMbps: 1000 } })] });
  const [f] = findingsWith(d, "link-not-10g");
  assert.equal(f?.severity, "warning");
  assert.match(f?.title ?? "", /1 Gbit\/s, not 10/);
});

test("link-not-10g: chip family decides when the maximum is unknown", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ nic: { linkSpeedMbps: 5000, maxSpeedMbps: null, chip: "AQC107" } })],
  });
  assert.equal(findingsWith(d, "link-not-10g").length, 1);
});

test("link-not-10g: absent at 10000, without carrier, on a 5G chip, or with unknown speed", () => {
  const cases = [
    makeAdapter(),
    makeAdapter({ nic: { linkSpeedMbps: 1000, carrier: false } }),
    makeAdapter({ nic: { linkSpeedMbps: 2500, maxSpeedMbps: 5000, chip: "AQC108" } }),
    makeAdapter({ nic: { linkSpeedMbps: null } }),
    makeAdapter({ nic: { linkSpeedMbps: 1000, maxSpeedMbps: null, chip: null } }),
  ];
  for (const a of cases)
    assert.equal(findingsWith(makeDetection({ adapters: [a] }), "link-not-10g").length, 0);
});

test("jumbo-mtu: MTU above 1500 gets a ping check of the right size", () => {
  const [f] = findingsWith(makeDetection({ adapters: [makeAdapter({ nic: { mtu: 9000 } })] }), "jumbo-mtu");
  assert.equal(f?.severity, "info");
  assert.ok(f?.actions.includes("ping -M do -s 8972 -c 3 <nas-address>"));
});

test("jumbo-mtu: absent at 1500 or unknown MTU", () => {
  assert.equal(findingsWith(makeDetection(), "jumbo-mtu").length, 0);
  assert.equal(
    findingsWith(makeDetection({ adapters: [makeAdapter({ nic: { mtu: null } })] }), "jumbo-mtu").length,
    0,
  );
});

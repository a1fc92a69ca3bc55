import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseChannels, parseRingSizes } from "./ethtool.js";
import { HELPER_VERSION } from "./version.js";

// Layout of ethtool 6.1 (Debian 12): tabs between name and value, extra lines after the RX/TX ones.
const RING = `Ring parameters for enp99s0:
Pre-set maximums:
RX:\t\t\t8184
RX Mini:\t\tn/a
RX Jumbo:\t\tn/a
TX:\t\t\t8184
Current hardware settings:
RX:\t\t\t2048
RX Mini:\t\tn/a
RX Jumbo:\t\tn/a
TX:\t\t\t4096
RX Buf Len:\t\tn/a
CQE Size:\t\tn/a
TX Push:\t\toff
TCP data split:\t\tn/a
`;

const CHANNELS = `Channel parameters for enp99s0:
Pre-set maximums:
RX:\t\tn/a
TX:\t\tn/a
Other:\t\tn/a
Combined:\t8
Current hardware settings:
RX:\t\tn/a
TX:\t\tn/a
Other:\t\tn/a
Combined:\t4
`;

test("ethtool -g: current and maximum RX ring", () => {
  assert.deepEqual(parseRingSizes(RING), { current: 2048, max: 8184 });
  assert.equal(parseRingSizes("Ring parameters for x:\nCurrent hardware settings:\nRX: 512\n"), null);
});

test("ethtool -l: combined channels", () => {
  assert.deepEqual(parseChannels(CHANNELS), { combinedCurrent: 4, combinedMax: 8 });
  assert.equal(parseChannels("netlink error: Operation not supported\n"), null);
});

test("the helper's version follows package.json", () => {
  assert.equal(
    HELPER_VERSION,
    (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version,
  );
});

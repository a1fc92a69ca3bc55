import { test } from "node:test";
import assert from "node:assert/strict";
import { cpuPercent, parseProcStat } from "./proc-stat.js";
import { atlanticCounters, parseEthtoolStats } from "./ethtool-stats.js";
import { parseSnmp, tcpCounters } from "./snmp.js";

const PROC_STAT = `cpu  51497 0 16329 101484 1177 0 844 506 0 0
cpu0 24647 0 7384 53095 232 0 295 249 0 0
cpu1 26850 0 8945 48389 945 0 548 257 0 0
intr 1209837 0 0 0
ctxt 2445377
btime 1764150000
processes 12345
`;

test("parseProcStat: the aggregate line and every core, in kernel format", () => {
  const s = parseProcStat(PROC_STAT);
  assert.deepEqual(s.all, {
    user: 51497,
    nice: 0,
    system: 16329,
    idle: 101484,
    iowait: 1177,
    irq: 0,
    softirq: 844,
    steal: 506,
  });
  assert.deepEqual([...s.cores.keys()], [0, 1]);
  assert.equal(s.cores.get(1)?.softirq, 548);
});

test("parseProcStat: garbage lines are skipped, short old-kernel lines padded", () => {
  const s = parseProcStat("cpu0 1 2 3\ncpu1 x y z w\ncpu2 10 0 10 80\n\u0000\u0001");
  assert.deepEqual([...s.cores.keys()], [2]);
  assert.equal(s.cores.get(2)?.steal, 0);
  assert.equal(parseProcStat("").all, null);
});

test("cpuPercent: split of one interval, busy excludes idle and iowait", () => {
  const prev = { user: 100, nice: 0, system: 100, idle: 100, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  const cur = { user: 130, nice: 0, system: 150, idle: 110, iowait: 5, irq: 0, softirq: 5, steal: 0 };
  const p = cpuPercent(prev, cur);
  assert.deepEqual(p, {
    user: 30,
    nice: 0,
    system: 50,
    idle: 10,
    iowait: 5,
    irq: 0,
    softirq: 5,
    steal: 0,
    busy: 85,
  });
  // Rounded to one decimal: 1 of 3 ticks.
  assert.equal(cpuPercent(prev, { ...prev, user: 101, idle: 102 })?.user, 33.3);
  assert.equal(cpuPercent(cur, prev), null, "counters going backwards");
  assert.equal(cpuPercent(prev, prev), null, "no time passed");
});

// The shape of `ethtool -S` on atlantic: global counters, then per-queue ones (aq_ethtool.c string table).
const ATLANTIC = `NIC statistics:
     InPackets: 9000000
     InUCast: 8999000
     InDroppedDma: 0
     Queue[0] InPackets: 4000000
     Queue[0] InJumboPackets: 0
     Queue[0] InLroPackets: 120000
     Queue[0] InErrors: 0
     Queue[0] AllocFails: 1
     Queue[0] SkbAllocFails: 0
     Queue[0] Polls: 80000
     Queue[0] PageFlips: 1000
     Queue[0] PageReuses: 200
     Queue[0] PageFrees: 600
     Queue[1] InPackets: 5000000
     Queue[1] AllocFails: 0
     Queue[1] PageFlips: 3000
     Queue[1] PageReuses: 800
     Queue[1] PageFrees: 1400
     Queue[0] OutPackets: 10
     Queue[0] Restarts: 0
`;

test("atlanticCounters: sums each counter over the queues", () => {
  assert.deepEqual(atlanticCounters(parseEthtoolStats(ATLANTIC)), {
    pageFlips: 4000,
    pageReuses: 1000,
    pageFrees: 2000,
    allocFails: 1,
  });
});

test("atlanticCounters: TC<n> and PTP prefixes count too", () => {
  const text = `NIC statistics:
     TC0 Queue[0] PageFlips: 10
     TC1 Queue[0] PageFlips: 20
     PTP Queue[0] PageFlips: 3
     PTP Queue[32] PageFrees: 4
`;
  assert.deepEqual(atlanticCounters(parseEthtoolStats(text)), {
    pageFlips: 33,
    pageReuses: null,
    pageFrees: 4,
    allocFails: null,
  });
});

test("atlanticCounters: another driver, or the page_pool variant without page counters", () => {
  const virtio = "NIC statistics:\n     rx_drops: 0\n     rx_queue_0_packets: 42\n";
  assert.equal(atlanticCounters(parseEthtoolStats(virtio)), null);
  assert.equal(atlanticCounters(parseEthtoolStats("")), null);
  const pagePool = "NIC statistics:\n     Queue[0] InPackets: 5\n     Queue[0] AllocFails: 2\n";
  assert.deepEqual(atlanticCounters(parseEthtoolStats(pagePool)), {
    pageFlips: null,
    pageReuses: null,
    pageFrees: null,
    allocFails: 2,
  });
  // Look-alike names do not count.
  assert.equal(
    atlanticCounters(parseEthtoolStats("     Queue[0] PageFlipsX: 5\n     XQueue[0] PageFlips: 5\n")),
    null,
  );
});

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 2 64 1116151
Icmp: InMsgs InErrors
Icmp: 1 0
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 88 33 0 6 0 1116068 1105516 129 0 93 0
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 82 0 0 83 0 0 0 0 0
`;

test("parseSnmp / tcpCounters: header and value lines by name", () => {
  const snmp = parseSnmp(SNMP);
  assert.equal(snmp.get("Tcp")?.get("MaxConn"), -1);
  assert.deepEqual(tcpCounters(snmp), { outSegs: 1105516, retransSegs: 129, inSegs: 1116068, inErrs: 0 });
});

test("parseSnmp: out-of-step or missing Tcp lines", () => {
  const skewed = "Tcp: OutSegs RetransSegs\nGarbage\nTcp: OutSegs RetransSegs\nTcp: 10 1\n";
  assert.deepEqual(tcpCounters(parseSnmp(skewed)), {
    outSegs: 10,
    retransSegs: 1,
    inSegs: null,
    inErrs: null,
  });
  assert.equal(tcpCounters(parseSnmp("Ip: a b\nIp: 1 2\n")), null);
});

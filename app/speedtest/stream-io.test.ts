// The server's receive path: moving an accepted socket's handle into a Socket with `onread` (Node
// internals), and the 'data' fallback for a Node where that is not possible. Loopback only.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { adoptWithOnread, canMoveHandle, countingOnread } from "./stream-io.js";

async function receiveThrough(moveHandle: boolean | undefined, data: Buffer) {
  const buffer = Buffer.alloc(4096);
  let count = 0;
  let head = Buffer.alloc(0);
  let movable = false;
  let adoptedIsNew = false;
  const done = new Promise<void>((resolve) => {
    const srv = net.createServer({ pauseOnConnect: true }, (sock) => {
      movable = canMoveHandle(sock);
      const onread = countingOnread(buffer, (n) => {
        if (head.length < 16) head = Buffer.concat([head, buffer.subarray(0, n)]).subarray(0, 16);
        count += n;
      });
      const s = adoptWithOnread(sock, onread, moveHandle);
      adoptedIsNew = s !== sock;
      s.on("end", () => {
        s.destroy();
        srv.close();
        resolve();
      });
    });
    srv.listen(0, "127.0.0.1", () => {
      const c = net.connect((srv.address() as net.AddressInfo).port, "127.0.0.1", () => c.end(data));
    });
  });
  await done;
  return { count, head, movable, adoptedIsNew };
}

test(
  "this Node lets the server move an accepted handle into an onread Socket",
  { timeout: 10_000 },
  async () => {
    const data = randomBytes(300_000);
    const r = await receiveThrough(undefined, data);
    assert.ok(r.movable, "the private _handle is there: the fast path is used");
    assert.ok(r.adoptedIsNew);
    assert.equal(r.count, data.length);
    assert.deepEqual(
      r.head,
      data.subarray(0, 16),
      "the first bytes reach the callback's buffer (the cookie)",
    );
  },
);

test(
  "fallback without the private handle: 'data' events, same counts and bytes",
  { timeout: 10_000 },
  async () => {
    const data = randomBytes(300_000);
    const r = await receiveThrough(false, data);
    assert.ok(!r.adoptedIsNew);
    assert.equal(r.count, data.length);
    assert.deepEqual(r.head, data.subarray(0, 16));
  },
);

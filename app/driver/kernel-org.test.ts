// kernel.org download against a server on loopback: a verified tarball is kept, a tampered or
// unlisted one is refused and leaves no file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { downloadKernelOrg, kernelOrgUrls, sha256For, upstreamRelease } from "./kernel-org.js";
import { UserError } from "../errors.js";

const tarball = Buffer.from("not really a tarball, but bytes with a checksum\n".repeat(5000));
const good = createHash("sha256").update(tarball).digest("hex");

function serve(files: Record<string, Buffer | string>): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = files[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pub/linux/kernel`,
      }),
    ),
  );
}

const sums = (hash: string) =>
  `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${"0".repeat(64)}  linux-6.12.116.tar.xz\n${hash}  linux-6.12.117.tar.xz\n-----BEGIN PGP SIGNATURE-----\nxyz\n`;

async function attempt(files: Record<string, Buffer | string>) {
  const { server, base } = await serve(files);
  const dest = mkdtempSync(join(tmpdir(), "tenbolt-korg-"));
  try {
    const result = await downloadKernelOrg({ version: "6.12.117", destDir: dest, base }).then(
      (path) => ({ path, content: readFileSync(path) }),
      (error: unknown) => ({ error }),
    );
    return { result, left: readdirSync(dest) };
  } finally {
    rmSync(dest, { recursive: true, force: true });
    await new Promise((r) => server.close(r));
  }
}

test("release names: upstream version when the name carries it", () => {
  assert.equal(upstreamRelease("6.12.117+deb12-amd64"), "6.12.117");
  assert.equal(upstreamRelease("6.8.12-generic"), "6.8.12");
  assert.equal(upstreamRelease("6.1.0-56-amd64"), null);
  assert.deepEqual(kernelOrgUrls("6.12.117"), {
    tarball: "https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.117.tar.xz",
    sums: "https://cdn.kernel.org/pub/linux/kernel/v6.x/sha256sums.asc",
  });
  assert.equal(sha256For(sums(good), "linux-6.12.117.tar.xz"), good);
  assert.equal(sha256For(sums(good), "linux-6.12.11.tar.xz"), null);
});

test("a tarball that matches its checksum is kept", async () => {
  const { result, left } = await attempt({
    "/pub/linux/kernel/v6.x/sha256sums.asc": sums(good),
    "/pub/linux/kernel/v6.x/linux-6.12.117.tar.xz": tarball,
  });
  assert.ok("content" in result, String("error" in result && result.error));
  assert.deepEqual(result.content, tarball);
  assert.deepEqual(left, ["linux-6.12.117.tar.xz"]);
});

test("a tarball that does not match is discarded", async () => {
  const { result, left } = await attempt({
    "/pub/linux/kernel/v6.x/sha256sums.asc": sums(good),
    "/pub/linux/kernel/v6.x/linux-6.12.117.tar.xz": Buffer.concat([tarball, Buffer.from("x")]),
  });
  assert.ok("error" in result && result.error instanceof UserError);
  assert.match(result.error.message, /does not match its published checksum .* it was discarded/);
  assert.deepEqual(left, []);
});

test("no checksum listed, or no tarball: refused, nothing kept", async () => {
  const unlisted = await attempt({
    "/pub/linux/kernel/v6.x/sha256sums.asc": sums(good).replace("6.12.117", "6.12.118"),
    "/pub/linux/kernel/v6.x/linux-6.12.117.tar.xz": tarball,
  });
  assert.ok("error" in unlisted.result);
  assert.match(
    String((unlisted.result.error as Error).message),
    /lists no checksum for linux-6\.12\.117\.tar\.xz/,
  );
  assert.deepEqual(unlisted.left, []);
  const missing = await attempt({ "/pub/linux/kernel/v6.x/sha256sums.asc": sums(good) });
  assert.ok("error" in missing.result);
  assert.match(String((missing.result.error as Error).message), /linux-6\.12\.117\.tar\.xz: HTTP 404/);
  assert.deepEqual(missing.left, []);
  assert.equal(existsSync(join(tmpdir(), "linux-6.12.117.tar.xz")), false);
});

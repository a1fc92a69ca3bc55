import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { main } from "./main.js";
import { memoryIo } from "./io.js";
import { VERSION } from "../version.js";

test("version matches package.json", async () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  assert.equal(VERSION, pkg.version);
  const io = memoryIo();
  assert.equal(await main(["--version"], io), 0);
  assert.equal(io.stdout.trim(), pkg.version);
});

test("unknown option: one line on stderr and exit 2", async () => {
  const io = memoryIo();
  assert.equal(await main(["--frobnicate"], io), 2);
  assert.match(io.stderr, /^tenbolt: unknown option '--frobnicate'/);
  assert.ok(!io.stderr.includes("    at "), "no stack trace");
});

test("unknown command: exit 2", async () => {
  const io = memoryIo();
  assert.equal(await main(["frobnicate"], io), 2);
  assert.match(io.stderr, /unknown command 'frobnicate'/);
});

test("a successful command exits 0 even when process.exitCode was set by someone else", async () => {
  const saved = process.exitCode;
  process.exitCode = 1;
  try {
    const io = memoryIo();
    assert.equal(await main(["detect", "--help"], io), 0);
    assert.match(io.stdout, /--root/);
  } finally {
    process.exitCode = saved;
  }
});

test("no arguments prints help listing every command", async () => {
  const io = memoryIo();
  assert.equal(await main([], io), 0);
  for (const name of ["detect", "capture", "speedtest", "serve", "history", "driver", "preset"]) {
    assert.match(io.stdout, new RegExp(`^  ${name}\\b`, "m"), name);
  }
});

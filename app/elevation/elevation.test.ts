import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { RunOptions, RunResult, Runner } from "../system/runner.js";
import { UserError } from "../errors.js";
import { callHelper } from "./helper-client.js";
import { classifyPkexec, classifySudoPrompt } from "./failures.js";
import { bootstrapCommand, sudoPromptBootstrap } from "./bootstrap.js";
import { HELPER_PATH, POLICY_PATH } from "./paths.js";

const result = (
  code: number | null,
  stdout = "",
  stderr = "",
  spawnError?: NodeJS.ErrnoException,
): RunResult => ({
  code,
  signal: null,
  stdout,
  stderr,
  timedOut: false,
  ...(spawnError ? { spawnError } : {}),
});

function fakeRoot(withHelper: boolean): string {
  const root = mkdtempSync(join(tmpdir(), "tenbolt-elev-"));
  const files = ["/usr/bin/pkexec", ...(withHelper ? [HELPER_PATH, POLICY_PATH] : [])];
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), "");
  }
  return root;
}

function fakeRunner(r: RunResult): Runner & { calls: { command: string; args: readonly string[] }[] } {
  const calls: { command: string; args: readonly string[] }[] = [];
  return {
    calls,
    async run(command: string, args: readonly string[], options?: RunOptions) {
      calls.push({ command, args });
      options?.onStdout?.(r.stdout);
      return r;
    },
  };
}

async function failure(r: RunResult): Promise<UserError> {
  const root = fakeRoot(true);
  try {
    await callHelper(["status"], { runner: fakeRunner(r), root });
  } catch (e) {
    assert.ok(e instanceof UserError);
    return e;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.fail("no error");
}

test("pkexec exit statuses map to distinct failures", () => {
  assert.equal(classifyPkexec(result(126)), "cancelled");
  assert.equal(
    classifyPkexec(result(127, "", "Error executing command as another user: Not authorized\n")),
    "not-authorized",
  );
  assert.equal(
    classifyPkexec(
      result(127, "", "Error executing command as another user: No authentication agent found.\n"),
    ),
    "no-agent",
  );
  assert.equal(
    classifyPkexec(
      result(127, "", "Cannot run program /usr/lib/tenbolt/tenbolt-helper: No such file or directory\n"),
    ),
    "helper-missing",
  );
  const enoent = Object.assign(new Error("spawn ENOENT"), { code: "ENOENT" });
  assert.equal(classifyPkexec(result(null, "", "", enoent)), "no-pkexec");
  assert.equal(classifyPkexec(result(1)), null, "the helper's own failure is not an elevation failure");
  assert.equal(classifySudoPrompt("User did not grant permission."), "cancelled");
  assert.equal(classifySudoPrompt("No polkit authentication agent found."), "no-agent");
});

test("each elevation failure reaches the user as its own one-line message", async () => {
  const cancelled = await failure(result(126));
  const refused = await failure(result(127, "", "Not authorized\n"));
  const agent = await failure(result(127, "", "No authentication agent found.\n"));
  assert.match(cancelled.message, /cancelled/);
  assert.match(refused.message, /not authorized/);
  assert.match(agent.message, /no polkit authentication agent/);
  assert.equal(new Set([cancelled.message, refused.message, agent.message]).size, 3);
  assert.ok([cancelled, refused, agent].every((e) => !e.message.includes("\n")));
});

test("callHelper runs pkexec with the fixed helper path and relays JSON-lines progress", async () => {
  const root = fakeRoot(true);
  try {
    const out =
      '{"event":"step","step":"modprobe-conf","status":"start"}\n{"event":"step","step":"modprobe-conf","status":"done"}\n{"event":"done","result":{"ok":true}}\n';
    const runner = fakeRunner(result(0, out));
    const seen: string[] = [];
    const last = await callHelper(["apply-preset", "stock", "--iface", "enp99s0"], {
      runner,
      root,
      onEvent: (e) => seen.push(`${e.event}:${String(e.status ?? "")}`),
    });
    assert.deepEqual(runner.calls, [
      { command: "/usr/bin/pkexec", args: [HELPER_PATH, "apply-preset", "stock", "--iface", "enp99s0"] },
    ]);
    assert.deepEqual(seen, ["step:start", "step:done", "done:"]);
    assert.deepEqual(last.result, { ok: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a helper error says whether it was rolled back; a refusal is a usage error", async () => {
  const failed = await failure(
    result(
      1,
      '{"event":"error","message":"enp99s0 did not get its link back","rolledBack":true,"journal":"/var/lib/tenbolt/journal/x.json"}\n',
    ),
  );
  assert.match(failed.message, /link back \(every change was rolled back\)/);
  assert.equal(failed.exitCode, 1);
  const refused = await failure(
    result(2, '{"event":"error","code":"refused","argument":"--iface","message":"bad name"}\n'),
  );
  assert.equal(refused.exitCode, 2);
  assert.match(refused.message, /--iface/);
});

test("a missing helper: clear message without bootstrap; bootstrap runs the fixed script once", async () => {
  const root = fakeRoot(false);
  try {
    await assert.rejects(
      callHelper(["status"], { runner: fakeRunner(result(0)), root }),
      /helper is not installed/,
    );
    let installs = 0;
    const bootstrap = {
      install: async () => {
        installs++;
        for (const f of [HELPER_PATH, POLICY_PATH]) {
          mkdirSync(dirname(join(root, f)), { recursive: true });
          writeFileSync(join(root, f), "");
        }
      },
    };
    const last = await callHelper(["status"], {
      runner: fakeRunner(result(0, '{"event":"done"}\n')),
      root,
      bootstrap,
    });
    assert.equal(last.event, "done");
    assert.equal(installs, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the bootstrap command is the fixed script path only, and sudo-prompt errors are mapped", async () => {
  assert.equal(
    bootstrapCommand("/opt/Tenbolt/build/install-helper.sh"),
    "/bin/sh /opt/Tenbolt/build/install-helper.sh",
  );
  assert.throws(() => bootstrapCommand("/home/u/x; reboot/install-helper.sh"), UserError);
  assert.throws(() => bootstrapCommand("/home/u/$(id)/install-helper.sh"), UserError);
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-boot-"));
  try {
    const script = join(dir, "install-helper.sh");
    writeFileSync(script, "");
    mkdirSync(join(dir, "polkit"));
    writeFileSync(join(dir, "polkit", "org.tenbolt.helper.policy"), "");
    const commands: string[] = [];
    const deny = sudoPromptBootstrap((cmd, _o, cb) => {
      commands.push(cmd);
      cb(new Error("User did not grant permission."));
    }, script);
    await assert.rejects(deny.install(), /cancelled/);
    const noAgent = sudoPromptBootstrap(
      (_c, _o, cb) => cb(new Error("No polkit authentication agent found.")),
      script,
    );
    await assert.rejects(noAgent.install(), /no polkit authentication agent/);
    assert.deepEqual(commands, [`/bin/sh ${script}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

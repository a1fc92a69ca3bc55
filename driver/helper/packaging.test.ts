import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { VERBS } from "./args.js";

const POLICY = "build/polkit/org.tenbolt.helper.policy";
const HELPER = "/usr/lib/tenbolt/tenbolt-helper";
/** Verbs that read as the user: no polkit action, so no way to start them as root through pkexec. */
const USER_VERBS: readonly string[] = ["status"];

interface Action {
  id: string;
  annotations: Record<string, string>;
  defaults: Record<string, string>;
  message: string;
}

function actions(xml: string): Action[] {
  const out: Action[] = [];
  for (const m of xml.matchAll(/<action id="([^"]+)">([\s\S]*?)<\/action>/g)) {
    const body = m[2] as string;
    const annotations: Record<string, string> = {};
    for (const a of body.matchAll(/<annotate key="([^"]+)">([^<]*)<\/annotate>/g))
      annotations[a[1] as string] = a[2] as string;
    const defaults: Record<string, string> = {};
    const d = /<defaults>([\s\S]*?)<\/defaults>/.exec(body)?.[1] ?? "";
    for (const x of d.matchAll(/<(allow_\w+)>([^<]*)<\/\1>/g)) defaults[x[1] as string] = x[2] as string;
    out.push({
      id: m[1] as string,
      annotations,
      defaults,
      message: /<message>([^<]*)<\/message>/.exec(body)?.[1] ?? "",
    });
  }
  return out;
}

test("polkit policy: one action per helper verb, matched on exec.path and argv1", () => {
  const xml = readFileSync(POLICY, "utf8");
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.match(
    xml,
    /<!DOCTYPE policyconfig PUBLIC "-\/\/freedesktop\/\/DTD PolicyKit Policy Configuration 1.0\/\/EN"/,
  );
  const list = actions(xml);
  assert.deepEqual(
    list.map((a) => a.annotations["org.freedesktop.policykit.exec.argv1"]).sort(),
    VERBS.filter((v) => !USER_VERBS.includes(v)).sort(),
  );
  for (const a of list) {
    const verb = a.annotations["org.freedesktop.policykit.exec.argv1"];
    assert.equal(a.id, `org.tenbolt.helper.${verb}`);
    assert.equal(a.annotations["org.freedesktop.policykit.exec.path"], HELPER);
    {
      const every = verb === "install-driver" || verb === "authorize-thunderbolt";
      assert.equal(a.defaults.allow_active, every ? "auth_admin" : "auth_admin_keep", verb);
      assert.ok(
        !Object.values(a.defaults).includes("yes"),
        `${verb} must never be allowed without a password`,
      );
      assert.ok(a.message.length > 40, `${verb} says what will happen`);
    }
  }
});

test("polkit policy is well-formed and valid against polkit's DTD (xmllint)", (t) => {
  const r = spawnSync("xmllint", ["--noout", POLICY], { encoding: "utf8", timeout: 10_000 });
  if (r.error) {
    if (process.env.CI === "true") assert.fail("xmllint missing in CI (apt-get install libxml2-utils)");
    t.skip("xmllint not installed (libxml2-utils)");
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  // polkit's own DTD (package polkitd) when present: the structure polkitd will parse.
  const dtd = "/usr/share/polkit-1/policyconfig-1.dtd";
  if (!existsSync(dtd)) {
    if (process.env.CI === "true") assert.fail(`${dtd} missing in CI (apt-get install polkitd)`);
    return;
  }
  const v = spawnSync("xmllint", ["--noout", "--dtdvalid", dtd, POLICY], {
    encoding: "utf8",
    timeout: 10_000,
  });
  assert.equal(v.status, 0, v.stderr);
});

test("the root helper imports only node: builtins and files of driver/helper", () => {
  for (const f of readdirSync("driver/helper").filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
    const src = readFileSync(`driver/helper/${f}`, "utf8");
    for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)) {
      const spec = m[1] as string;
      const typeOnly = /^\s*(?:import|export)\s+type\s/.test(m[0]);
      assert.ok(
        typeOnly || spec.startsWith("node:") || /^\.\/[\w.-]+\.js$/.test(spec),
        `${f} imports ${spec}`,
      );
    }
  }
});

test("install-helper.sh is valid sh and takes no arguments", () => {
  const r = spawnSync("sh", ["-n", "build/install-helper.sh"], { encoding: "utf8", timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync("build/install-helper.sh", "utf8");
  assert.match(text, /\[ \$# -eq 0 \]/);
  // The only "$@" is the launcher's, escaped so it is written literally.
  assert.deepEqual(text.match(/"\\?\$@"/g), ['"\\$@"']);
});

test("the installed layout runs on its own: status works, a hostile call exits 2", async () => {
  const { cpSync, mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/tenbolt-installed-`);
  try {
    // What install-helper.sh copies: the compiled helper files only, with an ESM package.json.
    for (const f of readdirSync("dist/driver/helper").filter(
      (n) => n.endsWith(".js") && !n.endsWith(".test.js"),
    ))
      cpSync(`dist/driver/helper/${f}`, `${dir}/${f}`);
    writeFileSync(`${dir}/package.json`, '{ "type": "module" }\n');
    const ok = spawnSync(process.execPath, [`${dir}/main.js`, "status"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(ok.status, 0, ok.stderr);
    const first = JSON.parse(ok.stdout.split("\n")[0] as string) as { event: string; helperVersion: string };
    assert.equal(first.event, "status");
    const bad = spawnSync(
      process.execPath,
      [`${dir}/main.js`, "apply-preset", "stock", "--iface", "eth0;reboot"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stdout, /"argument":"--iface"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

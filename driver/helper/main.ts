// Production entry of /usr/lib/tenbolt/tenbolt-helper (started by pkexec through the launcher that
// build/install-helper.sh writes). The root prefix is hardcoded to "/": a flag choosing it would let
// a caller point a root process at files it controls.
import { stageDkmsSource } from "./dkms-source.js";
import { runHelper } from "./run.js";
import { spawnRunner } from "./runner.js";
import { realClock } from "./system.js";

process.umask(0o022);
const code = await runHelper(process.argv.slice(2), {
  root: "/",
  runner: spawnRunner,
  clock: realClock,
  prepareDkmsSource: stageDkmsSource,
  out: (line) => void process.stdout.write(line),
  interactive: Boolean(process.stdin.isTTY),
});
process.exitCode = code;

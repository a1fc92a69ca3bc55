#!/usr/bin/env node
// The `tenbolt` command: the TypeScript is compiled to dist/ by `npm install` (the prepare script).
import { main } from "../dist/app/cli/main.js";

process.exitCode = await main(process.argv.slice(2));

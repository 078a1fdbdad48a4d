#!/usr/bin/env node
// Runs the TypeScript entry point through tsx (no build step needed). Signals sent to this
// process (a container's stop, a process manager, Ctrl-C) are passed on to the server, which
// drains and exits; this process then exits as it did, so nothing is left running orphaned.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const child = spawn(process.execPath, ["--import", "tsx", join(here, "..", "src", "main.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on("exit", (code, signal) => {
  if (signal) {
    // Ended by a signal it did not handle: end the same way, so the caller sees it.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});

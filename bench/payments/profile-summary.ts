/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- --profile`): self time by package
 * and the inclusive time of the functions that matter on the payment hot path.
 *
 *   npx tsx bench/payments/profile-summary.ts bench/.profiles/<run>/CPU.….cpuprofile [more names…]
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, ...watch] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [functionName…]");
const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const where = (n: Node) => {
  const url = n.callFrame.url;
  const nm = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.includes("/packages/")) return `zerofee:${url.replace(/.*\/packages\//, "")}`;
  return url.startsWith("node:") ? "node" : n.callFrame.functionName || "(native)";
};
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const leaf = byId.get(id);
  if (!leaf) return;
  if (leaf.callFrame.functionName === "(idle)") idle += dt;
  const key = where(leaf).replace(/^zerofee:.*/, "zerofee (src)");
  self.set(key, (self.get(key) ?? 0) + dt);
  // Inclusive: each distinct function on the stack counts once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    const name = `${n.callFrame.functionName || "(anon)"} ${where(n)}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
  }
});
const busy = total - idle;
const show = (m: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) =>
  [...m]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / busy).toFixed(1).padStart(6)} %  ${k}`)
    .join("\n");
console.log(`profile ${(total / 1e6).toFixed(1)} s, idle ${((100 * idle) / total).toFixed(1)} %; shares below are of busy time`);
console.log(`\nSelf time by package:\n${show(self, 15, (k) => k !== "(idle)")}`);
console.log(`\nInclusive, ZeroFee functions:\n${show(inclusive, 30, (k) => k.includes("zerofee:"))}`);
if (watch.length) console.log(`\nInclusive, watched:\n${show(inclusive, 40, (k) => watch.some((w) => k.startsWith(`${w} `)))}`);

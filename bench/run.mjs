#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts in its own process, one after another (never two at
// once: the machine has 2 cores), then merges their JSON into bench/results/latest.json.
// Each bench prints its own table and writes bench/results/<name>.json.
// Usage: npm run bench [-- name ...]   e.g. `npm run bench -- sdk` runs bench/sdk.bench.ts only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const only = process.argv.slice(2);
const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();
mkdirSync('bench/results', { recursive: true });
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  date: new Date().toISOString(),
};
console.log(`machine: ${JSON.stringify(machine)}`);
const merged = { machine, results: {} };
let failed = 0;
for (const name of benches) {
  console.log(`\n### ${name}`);
  const r = spawnSync('node', ['--import', 'tsx', '--expose-gc', `bench/${name}.bench.ts`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
  const out = `bench/results/${name}.json`;
  if (existsSync(out)) merged.results[name] = JSON.parse(readFileSync(out, 'utf8'));
}
writeFileSync('bench/results/latest.json', JSON.stringify(merged, null, 2));
console.log(`\nwrote bench/results/latest.json (${benches.length} benches, ${failed} failed)`);
process.exit(failed ? 1 : 0);

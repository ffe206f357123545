#!/usr/bin/env node
// The one test command: checks prerequisites, builds (type-checks), lints, runs every test, runs the
// SDK's tests again on Node 22 and 24, and ends with one line `N passed, N failed` that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const results = { passed: 0, failed: 0 };
const failures = [];

function run(label, cmd, args, opts = {}) {
  process.stdout.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...opts.env } });
  return r.status === 0;
}

function check(label, ok) {
  if (ok) results.passed++;
  else {
    results.failed++;
    failures.push(label);
  }
}

function ensureChromium() {
  const path = process.env.WISP_CHROMIUM ?? '/usr/bin/chromium';
  if (existsSync(path)) return true;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    run('install chromium', 'apt-get', ['install', '-y', 'chromium']);
    if (existsSync(path)) return true;
  }
  console.error(
    `Browser tests need Debian's Chromium at ${path}: run \`sudo apt-get install -y chromium\` ` +
      '(or set WISP_CHROMIUM to a Chromium binary).',
  );
  return false;
}

function vitest(label, node, args) {
  mkdirSync('test-results', { recursive: true });
  const out = `test-results/${label}.json`;
  const ok = run(label, node[0], [
    ...node.slice(1),
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...args,
  ]);
  let counted = false;
  if (existsSync(out)) {
    try {
      const json = JSON.parse(readFileSync(out, 'utf8'));
      results.passed += json.numPassedTests;
      results.failed += json.numFailedTests;
      if (json.numFailedTests > 0) failures.push(`${label}: ${json.numFailedTests} failed`);
      counted = json.numTotalTests > 0;
      // A suite that fails to load counts as a failure even when no test inside it ran.
      const broken = (json.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0);
      for (const f of broken) check(`${label}: ${f.name} failed to load`, false);
    } catch {
      /* fall through */
    }
  }
  if (!counted) check(`${label}: ran no test`, false);
  else if (!ok && failures.length === 0) check(`${label}: vitest exited with an error`, false);
}

const chromiumOk = ensureChromium();
check('chromium present', chromiumOk);
const buildOk = run('build (type-check included)', 'npm', ['run', 'build']);
check('build', buildOk);
check('type-check tests', run('type-check tests', 'npx', ['tsc', '-p', 'tests/tsconfig.json', '--noEmit']));
check('lint', run('lint', 'npx', ['eslint', '.']));
if (buildOk) {
  vitest('node20', ['node'], []);
  for (const v of ['22', '24']) {
    vitest(`sdk-node${v}`, ['npx', '-y', `node@${v}`], ['packages/sdk']);
  }
}

if (failures.length) console.log(`\nFailed: \n- ${failures.join('\n- ')}`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);

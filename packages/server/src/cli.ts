#!/usr/bin/env node
/**
 * The `wisp` command: `wisp serve`, `wisp keys create|list|revoke`, `wisp demo`, `wisp --help`.
 */
import { parseArgs } from 'node:util';
import { ConfigError, type WispConfigInput } from './config/config.js';
import { loadConfig } from './config/load-config.js';
import { ProjectService, DEFAULT_PROJECT_ID } from './auth/project-service.js';
import { createWispServer } from './server.js';
import { openStore } from './store/open-store.js';
import { WispError } from './errors.js';
import { runDemo } from './demo/index.js';

const HELP = `wisp — self-hosted observability for LLM agents

Usage:
  wisp serve [--port N] [--host H] [--data-dir D] [--config F]
      Start the collector, query API and dashboard (default http://127.0.0.1:4318).
  wisp keys create [--project P] [--name N] [--data-dir D] [--json]
      Create an API key (the project is created if missing). The secret is shown once.
  wisp keys list [--project P] [--data-dir D] [--json]
  wisp keys revoke <key id> [--project P] [--data-dir D]
      Keys work on the data directory directly; a running collector sees changes within a second.
  wisp demo [--url U] [--traces N]
      Send realistic traffic from simulated agents to a running collector (key from WISP_API_KEY).
  wisp --help | --version

Options are also read from WISP_* environment variables and a JSON config file
(--config or WISP_CONFIG); see docs/configuration.md.
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  project: { type: 'string' },
  name: { type: 'string' },
  url: { type: 'string' },
  traces: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function intFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`--${name}: must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

function configFrom(values: Values) {
  const flags: WispConfigInput = {};
  const port = intFlag('port', values.port);
  if (port !== undefined) flags.port = port;
  if (values.host !== undefined) flags.host = values.host;
  if (values['data-dir'] !== undefined) flags.dataDir = values['data-dir'];
  return loadConfig({ configFile: values.config, flags });
}

async function serve(values: Values): Promise<void> {
  const config = configFrom(values);
  const wisp = await createWispServer(config);
  wisp.app.log.info({ url: wisp.url, dataDir: config.dataDir, authRequired: config.requireApiKeys }, `Wisp listening on ${wisp.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    wisp.app.log.info({ signal }, 'shutting down: draining the write queue');
    const force = setTimeout(() => {
      wisp.app.log.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    wisp.close().then(
      () => process.exit(0),
      (err: unknown) => {
        wisp.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function keys(sub: string | undefined, args: string[], values: Values): Promise<void> {
  const config = configFrom(values);
  const store = await openStore(config.dataDir);
  try {
    const projects = new ProjectService({ store, defaultRetentionDays: config.retentionDays });
    await projects.ensureDefaultProject();
    const projectId = values.project ?? DEFAULT_PROJECT_ID;
    const out = (human: string, data: unknown) => console.log(values.json ? JSON.stringify(data, null, 2) : human);
    if (sub === 'create') {
      if (!(await projects.exists(projectId))) await projects.createProject({ id: projectId, name: projectId });
      const key = await projects.createKey(projectId, values.name);
      out(
        `Created key ${key.id} "${key.name}" for project ${key.projectId}.\n\n  ${key.secret}\n\nThis is the only time the key is shown: store it now (e.g. WISP_API_KEY).`,
        key,
      );
    } else if (sub === 'list') {
      const list = await projects.listKeys(projectId);
      const fmt = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());
      out(
        list.length === 0
          ? `No keys in project ${projectId}.`
          : list.map((k) => `${k.id}  ${k.prefix}…  ${k.name}  created ${fmt(k.createdAt)}  last used ${fmt(k.lastUsedAt)}  ${k.revokedAt ? `revoked ${fmt(k.revokedAt)}` : 'active'}`).join('\n'),
        list,
      );
    } else if (sub === 'revoke') {
      const keyId = args[0];
      if (!keyId) throw new ConfigError('wisp keys revoke: give the key id (see `wisp keys list`)');
      await projects.revokeKey(projectId, keyId);
      out(`Revoked ${keyId}.`, { revoked: keyId });
    } else {
      throw new ConfigError('wisp keys: expected create, list or revoke');
    }
  } finally {
    await store.close();
  }
}

async function demo(values: Values): Promise<void> {
  const port = process.env.WISP_PORT ?? '4318';
  const url = values.url ?? `http://127.0.0.1:${port}`;
  const traces = intFlag('traces', values.traces);
  console.log(`Sending demo traffic to ${url}…`);
  const result = await runDemo({ url, ...(traces === undefined ? {} : { traces }), ...(process.env.WISP_API_KEY ? { apiKey: process.env.WISP_API_KEY } : {}) });
  console.log(
    `Sent ${result.traces} traces (${result.spans} spans, ${result.running} still running)` +
      (result.dropped > 0 ? `; ${result.dropped} spans could not be delivered: is the collector running at ${url}?` : '.') +
      `\nOpen ${url} to see them.`,
  );
  if (result.dropped > 0) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, sub, ...rest] = positionals;
  if (values.version) {
    console.log('wisp 0.1.0');
    return;
  }
  if (values.help || command === undefined || command === 'help') {
    console.log(HELP);
    return;
  }
  if (command === 'serve') return serve(values);
  if (command === 'keys') return keys(sub, rest, values);
  if (command === 'demo') return demo(values);
  throw new ConfigError(`unknown command "${command}"; see wisp --help`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof WispError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`wisp: ${(err as Error).message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});

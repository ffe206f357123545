/**
 * The collector's options: one type, its defaults, and their resolution. Precedence (highest first):
 * CLI flags > environment (`WISP_*`) > config file (`--config` / `WISP_CONFIG`, JSON) > defaults.
 * Everything is validated once, here, at boot; unknown keys are rejected with a clear message.
 * Every option is documented in docs/configuration.md.
 */
import { DEFAULT_LIMITS, type Limits } from '@wisp/protocol';

/** Bounds of the in-memory write queue in front of the store (group commit). */
export interface WriteQueueOptions {
  /**
   * Events waiting to be committed beyond which new requests get 429 + Retry-After.
   * @default 200000
   */
  maxQueuedEvents: number;
  /**
   * Bytes (decompressed request bodies) waiting to be committed beyond which new requests get 429.
   * @default 268435456 (256 MiB)
   */
  maxQueuedBytes: number;
  /**
   * Most events written in one store transaction; more waiting requests go to the next one.
   * @default 50000
   */
  maxCommitEvents: number;
}

export interface WispConfig {
  /**
   * TCP port (4318 is the OTLP/HTTP port, so OpenTelemetry exporters reach Wisp unconfigured).
   * 0 picks a free port.
   * @default 4318
   */
  port: number;
  /**
   * Address to bind. Anything but a loopback address requires API keys and an admin secret.
   * @default '127.0.0.1'
   */
  host: string;
  /**
   * Directory of the SQLite database (`wisp.db`), created if missing.
   * @default './.wisp-data'
   */
  dataDir: string;
  /**
   * Secret that grants admin rights (managing projects and keys, reading any project) when sent as
   * an API key. Required when binding to a non-loopback address.
   * @default null
   */
  adminSecret: string | null;
  /**
   * Require an API key on every request, even on loopback. Forced on for non-loopback hosts.
   * @default false (true when `host` is not a loopback address)
   */
  requireApiKeys: boolean;
  /**
   * A span that started and has not ended after this long is marked `abandoned`.
   * @default 3600000 (1 h)
   */
  abandonAfterMs: number;
  /**
   * Days of data kept for projects without their own retention.
   * @default 30
   */
  retentionDays: number;
  /** Ingest limits. @default DEFAULT_LIMITS from @wisp/protocol */
  limits: Limits;
  /** @default see WriteQueueOptions */
  writeQueue: WriteQueueOptions;
  /**
   * How long a looked-up API key is trusted before it is looked up again (bounds how long a
   * revocation made by another process, e.g. `wisp keys revoke`, takes to apply).
   * @default 1000
   */
  keyCacheTtlMs: number;
  /**
   * Period of the abandoned-span sweep.
   * @default 60000
   */
  abandonSweepIntervalMs: number;
  /**
   * Period of the retention job.
   * @default 600000 (10 min)
   */
  retentionIntervalMs: number;
  /**
   * Log level of the JSON logs on stdout: fatal, error, warn, info, debug, trace or silent.
   * @default 'info'
   */
  logLevel: string;
  /**
   * Run the store's writes in a worker thread, so that committing one batch never blocks parsing
   * the next requests (uses a second core).
   * @default true
   */
  storeWriteWorker: boolean;
  /**
   * Directory of the built dashboard served at `/`. Null: `packages/ui/dist` beside this package.
   * @default null
   */
  uiDir: string | null;
}

export const DEFAULT_PORT = 4318;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './.wisp-data';
export const DEFAULT_ABANDON_AFTER_MS = 60 * 60 * 1000;
export const DEFAULT_RETENTION_DAYS = 30;

export const DEFAULT_WRITE_QUEUE: WriteQueueOptions = {
  maxQueuedEvents: 200_000,
  maxQueuedBytes: 256 * 1024 * 1024,
  maxCommitEvents: 50_000,
};

export function defaultConfig(): WispConfig {
  return {
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    dataDir: DEFAULT_DATA_DIR,
    adminSecret: null,
    requireApiKeys: false,
    abandonAfterMs: DEFAULT_ABANDON_AFTER_MS,
    retentionDays: DEFAULT_RETENTION_DAYS,
    limits: { ...DEFAULT_LIMITS },
    writeQueue: { ...DEFAULT_WRITE_QUEUE },
    keyCacheTtlMs: 1000,
    abandonSweepIntervalMs: 60_000,
    retentionIntervalMs: 600_000,
    logLevel: 'info',
    storeWriteWorker: true,
    uiDir: null,
  };
}

/** A partial config as given by a test, a file, the environment or flags. */
export type WispConfigInput = Partial<Omit<WispConfig, 'limits' | 'writeQueue'>> & {
  limits?: Partial<Limits>;
  writeQueue?: Partial<WriteQueueOptions>;
};

/** A configuration problem found at boot. The message says which option and what is wrong. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Kind = 'int' | 'string' | 'nullable-string' | 'boolean' | 'log-level';
const TOP_LEVEL: Record<Exclude<keyof WispConfig, 'limits' | 'writeQueue'>, { kind: Kind; min?: number; max?: number }> = {
  port: { kind: 'int', min: 0, max: 65535 },
  host: { kind: 'string' },
  dataDir: { kind: 'string' },
  adminSecret: { kind: 'nullable-string' },
  requireApiKeys: { kind: 'boolean' },
  abandonAfterMs: { kind: 'int', min: 1000 },
  retentionDays: { kind: 'int', min: 1, max: 36500 },
  keyCacheTtlMs: { kind: 'int', min: 0, max: 60_000 },
  abandonSweepIntervalMs: { kind: 'int', min: 10 },
  retentionIntervalMs: { kind: 'int', min: 10 },
  logLevel: { kind: 'log-level' },
  storeWriteWorker: { kind: 'boolean' },
  uiDir: { kind: 'nullable-string' },
};

function checkValue(where: string, value: unknown, spec: { kind: Kind; min?: number; max?: number }): unknown {
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ConfigError(`${where}: must be an integer, got ${JSON.stringify(value)}`);
      if (spec.min !== undefined && value < spec.min) throw new ConfigError(`${where}: must be at least ${spec.min}, got ${value}`);
      if (spec.max !== undefined && value > spec.max) throw new ConfigError(`${where}: must be at most ${spec.max}, got ${value}`);
      return value;
    case 'string':
      if (typeof value !== 'string' || value === '') throw new ConfigError(`${where}: must be a non-empty string`);
      return value;
    case 'nullable-string':
      if (value === null) return null;
      if (typeof value !== 'string' || value === '') throw new ConfigError(`${where}: must be a non-empty string or null`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new ConfigError(`${where}: must be true or false, got ${JSON.stringify(value)}`);
      return value;
    case 'log-level':
      if (typeof value !== 'string' || !LOG_LEVELS.includes(value)) throw new ConfigError(`${where}: must be one of ${LOG_LEVELS.join(', ')}`);
      return value;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeSection(where: string, target: Record<string, number>, input: unknown, min: number): void {
  if (input === undefined) return;
  if (!isPlainObject(input)) throw new ConfigError(`${where}: must be an object`);
  for (const [k, v] of Object.entries(input)) {
    if (!Object.hasOwn(target, k)) throw new ConfigError(`${where}.${k}: unknown option (known: ${Object.keys(target).join(', ')})`);
    target[k] = checkValue(`${where}.${k}`, v, { kind: 'int', min }) as number;
  }
}

/** Applies `input` over `base`, validating every key. Throws ConfigError on the first problem. */
export function applyConfig(base: WispConfig, input: unknown, source: string): WispConfig {
  if (!isPlainObject(input)) throw new ConfigError(`${source}: the configuration must be a JSON object`);
  const out: WispConfig = { ...base, limits: { ...base.limits }, writeQueue: { ...base.writeQueue } };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const where = `${source}: ${key}`;
    if (key === 'limits') mergeSection(where, out.limits, value, 1);
    else if (key === 'writeQueue') mergeSection(where, out.writeQueue as unknown as Record<string, number>, value, 1);
    else if (Object.hasOwn(TOP_LEVEL, key)) {
      (out as unknown as Record<string, unknown>)[key] = checkValue(where, value, TOP_LEVEL[key as keyof typeof TOP_LEVEL]);
    } else {
      throw new ConfigError(`${source}: unknown option "${key}" (known: ${[...Object.keys(TOP_LEVEL), 'limits', 'writeQueue'].join(', ')})`);
    }
  }
  return out;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Checks that only make sense on the whole config. Returns the config with derived values set. */
export function finalizeConfig(config: WispConfig): WispConfig {
  const loopback = isLoopbackHost(config.host);
  const out = { ...config, requireApiKeys: config.requireApiKeys || !loopback };
  if (!loopback && out.adminSecret === null) {
    throw new ConfigError(
      `host ${config.host} is not a loopback address: set WISP_ADMIN_SECRET (adminSecret) so projects and keys can be managed; every request will need an API key`,
    );
  }
  if (out.adminSecret !== null && out.adminSecret.length < 16) {
    throw new ConfigError('adminSecret (WISP_ADMIN_SECRET) must be at least 16 characters long');
  }
  if (out.writeQueue.maxCommitEvents > out.writeQueue.maxQueuedEvents) {
    throw new ConfigError('writeQueue.maxCommitEvents must not exceed writeQueue.maxQueuedEvents');
  }
  return out;
}

/** Resolves a full config from a partial one (tests and embedders): defaults < input. */
export function resolveConfig(input: WispConfigInput = {}): WispConfig {
  return finalizeConfig(applyConfig(defaultConfig(), input, 'options'));
}

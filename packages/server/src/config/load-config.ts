/**
 * Reads the configuration from its sources and merges them in the one documented order:
 * defaults < config file < environment < CLI flags.
 */
import { readFileSync } from 'node:fs';
import { applyConfig, ConfigError, defaultConfig, finalizeConfig, type WispConfig, type WispConfigInput } from './config.js';

type EnvTarget = { key: string; section?: 'limits' | 'writeQueue'; kind: 'int' | 'string' | 'boolean' };

/** Environment variables and the option each one sets. */
export const ENV_VARS: Record<string, EnvTarget> = {
  WISP_PORT: { key: 'port', kind: 'int' },
  WISP_HOST: { key: 'host', kind: 'string' },
  WISP_DATA_DIR: { key: 'dataDir', kind: 'string' },
  WISP_ADMIN_SECRET: { key: 'adminSecret', kind: 'string' },
  WISP_REQUIRE_API_KEYS: { key: 'requireApiKeys', kind: 'boolean' },
  WISP_ABANDON_AFTER_MS: { key: 'abandonAfterMs', kind: 'int' },
  WISP_RETENTION_DAYS: { key: 'retentionDays', kind: 'int' },
  WISP_KEY_CACHE_TTL_MS: { key: 'keyCacheTtlMs', kind: 'int' },
  WISP_LOG_LEVEL: { key: 'logLevel', kind: 'string' },
  WISP_UI_DIR: { key: 'uiDir', kind: 'string' },
  WISP_STORE_WRITE_WORKER: { key: 'storeWriteWorker', kind: 'boolean' },
  WISP_MAX_REQUEST_BYTES: { key: 'maxRequestBytes', section: 'limits', kind: 'int' },
  WISP_MAX_EVENT_BYTES: { key: 'maxEventBytes', section: 'limits', kind: 'int' },
  WISP_MAX_JSON_DEPTH: { key: 'maxJsonDepth', section: 'limits', kind: 'int' },
  WISP_MAX_EVENTS_PER_REQUEST: { key: 'maxEventsPerRequest', section: 'limits', kind: 'int' },
  WISP_MAX_ATTRIBUTES: { key: 'maxAttributes', section: 'limits', kind: 'int' },
  WISP_MAX_NAME_LENGTH: { key: 'maxNameLength', section: 'limits', kind: 'int' },
  WISP_MAX_TAGS: { key: 'maxTags', section: 'limits', kind: 'int' },
  WISP_MAX_COMPRESSION_RATIO: { key: 'maxCompressionRatio', section: 'limits', kind: 'int' },
  WISP_WRITE_QUEUE_MAX_EVENTS: { key: 'maxQueuedEvents', section: 'writeQueue', kind: 'int' },
  WISP_WRITE_QUEUE_MAX_BYTES: { key: 'maxQueuedBytes', section: 'writeQueue', kind: 'int' },
  WISP_WRITE_QUEUE_MAX_COMMIT_EVENTS: { key: 'maxCommitEvents', section: 'writeQueue', kind: 'int' },
};

function parseEnvValue(name: string, raw: string, kind: EnvTarget['kind']): unknown {
  if (kind === 'string') return raw;
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${name}: must be true or false, got "${raw}"`);
  }
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${name}: must be an integer, got "${raw}"`);
  return Number(raw.trim());
}

/** The options set by `WISP_*` variables of `env`. Other variables are ignored. */
export function configFromEnv(env: NodeJS.ProcessEnv): WispConfigInput {
  const out: Record<string, unknown> = {};
  for (const [name, target] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = parseEnvValue(name, raw, target.kind);
    if (target.section) {
      const section = (out[target.section] ??= {}) as Record<string, unknown>;
      section[target.key] = value;
    } else out[target.key] = value;
  }
  return out as WispConfigInput;
}

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${path}: cannot be read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path}: not valid JSON (${(err as Error).message})`);
  }
}

export interface ConfigSources {
  /** Path of a JSON config file (`--config`); falls back to `WISP_CONFIG`. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Options from CLI flags, highest precedence. */
  flags?: WispConfigInput;
}

/** defaults < config file < environment < flags, validated. Throws ConfigError. */
export function loadConfig(sources: ConfigSources = {}): WispConfig {
  const env = sources.env ?? process.env;
  let config = defaultConfig();
  const file = sources.configFile ?? (env.WISP_CONFIG || undefined);
  if (file !== undefined) config = applyConfig(config, readConfigFile(file), `config file ${file}`);
  config = applyConfig(config, configFromEnv(env), 'environment');
  if (sources.flags) config = applyConfig(config, sources.flags, 'command line');
  return finalizeConfig(config);
}

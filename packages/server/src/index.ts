/**
 * `@wisp/server`: the Wisp collector (ingest, query API, dashboard) as a library. The `wisp`
 * command (`dist/cli.js`) is built on the same `createWispServer`.
 *
 * @example
 * import { createWispServer } from '@wisp/server';
 * const wisp = await createWispServer({ port: 0, dataDir: './.wisp-data' });
 * console.log(wisp.url);
 * await wisp.close();
 */
export { createWispServer } from './server.js';
export type { WispServer, WispServerDeps } from './server.js';
export { resolveConfig, defaultConfig, isLoopbackHost, ConfigError, DEFAULT_PORT, DEFAULT_HOST, DEFAULT_DATA_DIR } from './config/config.js';
export type { WispConfig, WispConfigInput, WriteQueueOptions } from './config/config.js';
export { loadConfig, ENV_VARS } from './config/load-config.js';
export { ERRORS, WispError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { openStore, sqlitePath } from './store/open-store.js';
export type { Store, ProjectWrite, StoreCapabilities } from './store/store.js';
export type { CommitFeed } from './http/commit-feed.js';
export type { RequestAuth } from './http/request-auth.js';

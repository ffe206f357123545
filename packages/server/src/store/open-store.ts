/**
 * Opens the store chosen by the configuration. Today that is always the embedded SQLite file
 * `<dataDir>/wisp.db`; a PostgreSQL store will be chosen here, and only here.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './store.js';
import { withWriteWorker } from './worker-write-store.js';

export const SQLITE_FILE_NAME = 'wisp.db';

export function sqlitePath(dataDir: string): string {
  return join(dataDir, SQLITE_FILE_NAME);
}

/**
 * Creates the data directory if needed, opens the store and applies migrations. With `writeWorker`
 * the write side runs in a worker thread (see worker-write-store.ts).
 */
export async function openStore(dataDir: string, options: { writeWorker?: boolean } = {}): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  // Loaded lazily: the SQLite store module is owned by the store engineer and may not exist yet.
  const specifier = './sqlite/sqlite-store.js';
  const { SqliteStore } = (await import(specifier)) as { SqliteStore: new (o: { path: string }) => Store };
  const store = new SqliteStore({ path: sqlitePath(dataDir) });
  await store.migrate();
  if (!options.writeWorker) return store;
  try {
    return await withWriteWorker(store, sqlitePath(dataDir));
  } catch (err) {
    await store.close();
    throw err;
  }
}

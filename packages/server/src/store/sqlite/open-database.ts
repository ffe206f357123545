/**
 * Opening the SQLite file with the settings the store relies on.
 *
 * Durability: WAL mode with `synchronous = NORMAL`. A commit appends the transaction's pages to the
 * WAL file with write(2) before `COMMIT` returns; NORMAL only skips the fsync at each commit (the
 * WAL is fsynced at checkpoints). Data handed to write(2) lives in the operating system's page
 * cache, which survives the death of the process, so every commit that returned is durable against
 * `kill -9` and any crash of Wisp itself. What NORMAL can lose is the last commits before a power
 * failure or a kernel crash; `synchronous: 'FULL'` fsyncs the WAL on every commit to cover that too,
 * at the cost of one fsync per group commit.
 */
import Database from 'better-sqlite3';

export interface SqliteOptions {
  /** Path of the database file (created if missing). */
  path: string;
  /**
   * `NORMAL`: durable against process crashes (kill -9); `FULL`: also against power loss.
   * @default 'NORMAL'
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * Page cache in MiB. The hot part of a 10 M-span store (trace list indexes, rollups, the B-tree
   * interior pages of observations) fits in a few hundred MiB; the OS page cache holds the rest.
   * @default 256
   */
  cacheMiB?: number;
  /**
   * Memory-mapped I/O in MiB (0 disables). Reads of large stores avoid a copy per page with it.
   * @default 1024
   */
  mmapMiB?: number;
  /** How long a statement waits for a lock held by another connection. @default 5000 */
  busyTimeoutMs?: number;
}

export const DEFAULT_CACHE_MIB = 256;
export const DEFAULT_MMAP_MIB = 1024;
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** The WAL is truncated back to this size after checkpoints, so a burst does not leave a huge file. */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;
/**
 * Pages in the WAL before a commit checkpoints it (default 1000). Index pages that many group
 * commits touch are then copied back once per ~40 MiB of WAL instead of once per 4 MiB.
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export function openDatabase(options: SqliteOptions): Database.Database {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
  db.pragma(`cache_size = ${-Math.floor((options.cacheMiB ?? DEFAULT_CACHE_MIB) * 1024)}`);
  db.pragma(`mmap_size = ${Math.floor((options.mmapMiB ?? DEFAULT_MMAP_MIB) * 1024 * 1024)}`);
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
  return db;
}

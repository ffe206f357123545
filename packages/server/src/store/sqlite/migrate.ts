import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './schema.js';

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, each in its own
 * IMMEDIATE transaction (so two processes migrating at once serialize instead of interleaving).
 * Idempotent. Refuses a database that has migrations this build does not know (a newer Wisp wrote
 * it), since running older code over a newer schema could corrupt it.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY, -- 1-based position in MIGRATIONS
    name       TEXT NOT NULL,
    applied_at REAL NOT NULL
  )`);
  const applied: string[] = [];
  const known = new Set(migrations.map((m) => m.name));
  const selectAll = db.prepare<[], { version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
  for (const row of selectAll.all()) {
    if (!known.has(row.name)) {
      throw new Error(`database has migration ${row.version} "${row.name}" unknown to this version of Wisp; upgrade Wisp`);
    }
  }
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const has = db.prepare<[number], { name: string }>('SELECT name FROM schema_migrations WHERE version = ?');
  migrations.forEach((m, i) => {
    const version = i + 1;
    const step = db.transaction(() => {
      const row = has.get(version);
      if (row) {
        if (row.name !== m.name) throw new Error(`migration ${version} is "${row.name}" in the database but "${m.name}" in this build`);
        return;
      }
      db.exec(m.sql);
      insert.run(version, m.name, Date.now());
      applied.push(m.name);
    });
    step.immediate();
  });
  return applied;
}

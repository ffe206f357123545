/**
 * UPDATE statements that set only the columns whose values changed. SQLite rewrites the entries of
 * every index whose columns appear in the SET clause, even when the value is the same; a trace row
 * has nine indexes, so "SET everything" costs an order of magnitude more than setting the two or
 * three columns a typical write changes. Statements are prepared once per set of changed columns.
 */
import type { Database, Statement } from 'better-sqlite3';

/** Distinct column sets kept prepared; real traffic uses a few dozen. */
const MAX_STATEMENTS = 512;

export class ChangedColumnsUpdate {
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(
    private readonly db: Database,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly key: string,
  ) {}

  /**
   * Updates the row `id` from `before` (the stored values, as a row object or in `columns` order)
   * to `after` (in `columns` order).
   */
  run(id: number, before: Record<string, unknown> | readonly unknown[], after: readonly unknown[]): boolean {
    const changed: number[] = [];
    const old = Array.isArray(before) ? (before as readonly unknown[]) : null;
    for (let i = 0; i < this.columns.length; i++) {
      const was = old ? old[i] : (before as Record<string, unknown>)[this.columns[i]!];
      if (!Object.is(was, after[i])) changed.push(i);
    }
    if (changed.length === 0) return false;
    const signature = changed.join(',');
    let stmt = this.statements.get(signature);
    if (!stmt) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      const set = changed.map((i) => `${this.columns[i]} = ?`).join(', ');
      stmt = this.db.prepare(`UPDATE ${this.table} SET ${set} WHERE ${this.key} = ?`);
      this.statements.set(signature, stmt);
    }
    const values = changed.map((i) => after[i]);
    values.push(id);
    stmt.run(...values);
    return true;
  }
}

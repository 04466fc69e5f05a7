import { EntityManager } from 'typeorm';

export interface SqlResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * Runs one parameterised statement on the manager's own connection and returns rows and the
 * affected count alike for SELECT / INSERT / UPDATE / DELETE. A manager without a query runner
 * (the global DataSource's) is refused: tenant data is only touched inside a scoped transaction.
 */
export async function sql<T = Record<string, unknown>>(em: EntityManager, text: string, params: unknown[] = []): Promise<SqlResult<T>> {
  const runner = em.queryRunner;
  if (!runner) throw new Error('Queries must run inside a scoped transaction (this manager has no query runner)');
  const result = await runner.query(text, params, true);
  return { rows: (result.records ?? []) as T[], rowCount: result.affected ?? 0 };
}

/** A unique-constraint violation (SQLSTATE 23505), optionally on one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

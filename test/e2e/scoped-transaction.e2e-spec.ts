import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@cascade/core';
import { dataSourceOptions, ScopedTransaction, TransactionScope } from '@cascade/database';
import { TestDatabase } from '../support/test-database';

/**
 * The one owner of the transaction, on real PostgreSQL: the scope travels as separate SET LOCAL
 * statements pipelined ahead of the first query, nothing outlives COMMIT, reads run READ ONLY, and
 * a scope statement that fails takes every statement behind it down (nothing runs unscoped).
 */
describe('ScopedTransaction (pipelined SET LOCAL scope)', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];

  async function pool(url: string, size = 1): Promise<DataSource> {
    const ds = new DataSource(dataSourceOptions({ databaseUrl: url, dbPoolSize: size, dbConnectTimeoutMs: 5000 }));
    await ds.initialize();
    sources.push(ds);
    return ds;
  }

  const begin = (ds: DataSource, scope: TransactionScope) => new ScopedTransaction(ds, scope, 4321);

  beforeAll(async () => {
    db = await TestDatabase.create();
  });

  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await db.drop();
  });

  it('runs under the role, tenant and timeout it set, and leaves none of them on the pooled connection', async () => {
    const ds = await pool(db.appUrl);
    const tenantId = uuidv7();
    const tx = begin(ds, { role: 'cascade_tenant', tenantId });
    const em = await tx.manager();
    const [inside] = (await em.query(
      `SELECT current_user AS role, current_setting('app.current_tenant') AS tenant, current_setting('statement_timeout') AS timeout`,
    )) as { role: string; tenant: string; timeout: string }[];
    await tx.commit();
    expect(inside).toEqual({ role: 'cascade_tenant', tenant: tenantId, timeout: '4321ms' });

    // Pool of one: the same connection, outside any scoped transaction.
    const [after] = (await ds.query(`SELECT current_user AS role, current_setting('app.current_tenant', true) AS tenant`)) as {
      role: string;
      tenant: string | null;
    }[];
    expect(after.role).not.toBe('cascade_tenant');
    expect(after.tenant ?? '').toBe('');
  });

  it('sends the scope and the first statement in one socket write, and the audit-style final statement with COMMIT in one more', async () => {
    const ds = await pool(db.appUrl);
    const tx = begin(ds, { role: 'cascade_tenant', tenantId: uuidv7() });
    const em = await tx.manager();
    // Held (corked) until the first statement has joined it; count the writes from here on.
    const socket = (em.queryRunner as unknown as { databaseConnection: { connection: { stream: Writable } } }).databaseConnection.connection
      .stream as Writable & { _write: (...a: unknown[]) => void; _writev?: (...a: unknown[]) => void };
    // The scope statements are waiting in the socket, not yet written.
    expect(socket.writableCorked).toBe(1);
    expect(socket.writableLength).toBeGreaterThan(0);
    let writes = 0;
    const write = socket._write.bind(socket);
    socket._write = (...a: unknown[]) => {
      writes++;
      write(...a);
    };
    if (socket._writev) {
      const writev = socket._writev.bind(socket);
      socket._writev = (...a: unknown[]) => {
        writes++;
        writev(...a);
      };
    }
    expect(await em.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(writes).toBe(1);
    tx.beforeCommit({ text: 'SELECT $1::int AS two', params: [2] });
    await tx.commit();
    expect(writes).toBe(2);
  });

  it('opens reads READ ONLY: a write in one is refused by PostgreSQL', async () => {
    const ds = await pool(db.appUrl);
    const tx = begin(ds, { role: 'cascade_tenant', tenantId: uuidv7(), readOnly: true });
    const em = await tx.manager();
    await expect(em.query('CREATE TEMP TABLE scoped_tx_probe (a int)')).rejects.toMatchObject({ code: '25006' });
    await tx.rollback();
  });

  it('fails every statement behind a failed scope statement, and commit() reports the cause', async () => {
    // A login that may not switch into cascade_tenant: SET LOCAL ROLE fails inside the pipeline.
    const role = `cascade_noscope_${randomBytes(4).toString('hex')}`;
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
    try {
      const url = new URL(db.appUrl);
      url.username = role;
      url.password = role;
      const ds = await pool(url.toString());
      const tx = begin(ds, { role: 'cascade_tenant', tenantId: uuidv7() });
      const em = await tx.manager();
      // The statement written behind the failed SET never runs: the transaction is aborted.
      await expect(em.query('SELECT 1 AS one')).rejects.toMatchObject({ code: '25P02' });
      // COMMIT of an aborted transaction answers ROLLBACK without an error: commit() must not pass.
      await expect(tx.commit()).rejects.toMatchObject({ code: '42501' });
      // The connection is clean and usable again (pool of one).
      expect(await ds.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    } finally {
      for (const ds of sources.splice(0)) await ds.destroy();
      await db.query(`DROP ROLE ${role}`);
    }
  });

  it('refuses a tenant id that is not a UUID before anything is sent', () => {
    const ds = { createQueryRunner: () => ({}) } as unknown as DataSource;
    expect(() => new ScopedTransaction(ds, { role: 'cascade_tenant', tenantId: "x'; RESET ROLE; --" }, 1000)).toThrow(
      'Tenant id must be a UUID',
    );
  });
});

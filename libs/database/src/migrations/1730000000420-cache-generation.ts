import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cache generation (libs/cache/src/cache-generation.ts explains the protocol): a counter that
 * a write bumps in its own transaction when it could not invalidate its cache entry in Redis,
 * and that every replica polls. Sixteen shards so that writes during a Redis outage do not all
 * queue on one row lock; the generation is the sum, which only ever grows by one per commit.
 * Not tenant data (no tenant_id, nothing a tenant could learn from it), so no row-level policy.
 */
export class CacheGeneration1730000000420 implements MigrationInterface {
  name = 'CacheGeneration1730000000420';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE cascade.cache_generation (
         shard smallint PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
         n bigint NOT NULL DEFAULT 0
       )`,
      `INSERT INTO cascade.cache_generation (shard) SELECT generate_series(0, 15)`,
      `GRANT SELECT, UPDATE (n) ON cascade.cache_generation TO cascade_tenant, cascade_platform`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS cascade.cache_generation`);
  }
}

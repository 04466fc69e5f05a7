import { Client } from 'pg';

/**
 * `cascade token revoke --platform-admin`: every platform-admin token issued up to now is refused
 * from the next second on, on every replica (each reads the revocation with its principal feed,
 * once a second). Runs as cascade_platform, transaction-locally, like every other CLI write.
 */
export async function revokePlatformTokens(databaseUrl: string): Promise<Date> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL ROLE cascade_platform');
    const { rows } = await client.query<{ revoked_before: Date }>(
      `INSERT INTO cascade.platform_token_revocations (id, revoked_before) VALUES (1, now())
       ON CONFLICT (id) DO UPDATE SET revoked_before = excluded.revoked_before
       RETURNING revoked_before`,
    );
    await client.query('COMMIT');
    return rows[0].revoked_before;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

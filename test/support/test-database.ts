import { randomBytes } from 'node:crypto';
import { Client, QueryResultRow } from 'pg';
import { adminUrl, appUrl, databasePrefix, templateName } from '../setup/test-env';

/** A fresh database cloned from the migrated template; dropped with `drop()`. */
export class TestDatabase {
  private constructor(
    readonly name: string,
    /** A database this run did not create (a Citus coordinator's): used as given, never dropped. */
    private readonly externalUrl?: string,
  ) {}

  /** An existing database, e.g. CITUS_URL's: the app logs in as that URL's user too (its requests still switch roles). */
  static external(url: string): TestDatabase {
    return new TestDatabase(new URL(url).pathname.slice(1), url);
  }

  static async create(): Promise<TestDatabase> {
    const name = `${databasePrefix()}${randomBytes(4).toString('hex')}`;
    await withClient(adminUrl(), (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`));
    return new TestDatabase(name);
  }

  /** The app's login (an authenticator that can only switch into cascade_tenant / cascade_platform). */
  get appUrl(): string {
    return this.externalUrl ?? appUrl(this.name);
  }

  /** Superuser, for setting up and inspecting from outside the app. */
  get adminUrl(): string {
    return this.externalUrl ?? adminUrl(this.name);
  }

  async query<T extends QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return withClient(this.adminUrl, async (c) => (await c.query<T>(text, params)).rows);
  }

  async drop(): Promise<void> {
    if (this.externalUrl) throw new Error(`not dropping ${this.name}: this run did not create it`);
    await withClient(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`));
  }
}

export async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Names shared by the global setup, the teardown and every test file. */
export const TEST_APP_ROLE = 'cascade_test_app';
export const TEST_APP_PASSWORD = 'cascade_test_app';

export function adminUrl(database?: string): string {
  const base = process.env.CASCADE_TEST_ADMIN_URL;
  if (!base) throw new Error('CASCADE_TEST_ADMIN_URL is not set: run tests through `npm test` (jest globalSetup)');
  if (!database) return base;
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The app's own login: an authenticator that can do nothing but switch into the request roles. */
export function appUrl(database: string): string {
  const u = new URL(adminUrl(database));
  u.username = TEST_APP_ROLE;
  u.password = TEST_APP_PASSWORD;
  return u.toString();
}

export function runId(): string {
  const id = process.env.CASCADE_TEST_RUN;
  if (!id) throw new Error('CASCADE_TEST_RUN is not set');
  return id;
}

export const templateName = () => `cascade_tpl_${runId()}`;
export const databasePrefix = () => `cascade_t_${runId()}_`;

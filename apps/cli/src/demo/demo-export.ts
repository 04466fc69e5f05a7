import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '@cascade/auth';

export const DEMO_SLUG = 'demo';
export const DEMO_USERS = [
  { email: 'owner@demo.example', role: 'owner', password: 'demo-owner-pass' },
  { email: 'admin@demo.example', role: 'admin', password: 'demo-admin-pass' },
  { email: 'member@demo.example', role: 'member', password: 'demo-member-pass' },
] as const;
export const DEMO_FILE_ID = 'file-welcome';

const WELCOME = `Welcome to CASCADE.\nThis file was created by \`npm run cli -- demo\`; download it with GET /api/files/:id/content.\n`;

/**
 * Writes the demo tenant as an export (docs/onboarding.md), so `demo` creates it through the
 * importer: the same validation, quota accounting and idempotency (a second run creates nothing).
 */
export async function writeDemoExport(dir: string): Promise<void> {
  mkdirSync(join(dir, 'attachments'), { recursive: true });
  const users = await Promise.all(
    DEMO_USERS.map(async (u, i) => ({ external_id: `user-${i + 1}`, email: u.email, role: u.role, password_hash: await hashPassword(u.password) })),
  );
  const workrooms = ['Planning', 'Support'].map((name, i) => ({ external_id: `workroom-${i + 1}`, name, created_by: 'user-1' }));
  const resources = ['Invoice 1001', 'Invoice 1002', 'Order 2001', 'Order 2002', 'Contract 3001'].map((name, i) => ({
    external_id: `resource-${i + 1}`,
    name,
    data: { kind: name.split(' ')[0].toLowerCase(), amount: (i + 1) * 125, paid: i % 2 === 0 },
    created_by: users[i % users.length].external_id,
  }));
  writeFileSync(join(dir, 'attachments', 'welcome.txt'), WELCOME);
  const files = [{ external_id: DEMO_FILE_ID, path: 'attachments/welcome.txt', filename: 'welcome.txt', content_type: 'text/plain', created_by: 'user-1' }];
  writeFileSync(
    join(dir, 'tenant.json'),
    JSON.stringify({ format_version: 1, external_id: 'cascade-demo', name: 'Demo Company', slug: DEMO_SLUG, plan: 'standard', users, workrooms, resources, files }, null, 2),
  );
}

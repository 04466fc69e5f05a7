/** What the API shows of a key: never its secret or hash (the secret is shown once, at creation). */
export interface ApiKeyView {
  id: string;
  name: string;
  role: 'admin' | 'member';
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

export const API_KEY_VIEW_COLUMNS = 'id, name, role, created_by, created_at, expires_at, last_used_at';

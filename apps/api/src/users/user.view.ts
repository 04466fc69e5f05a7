/** What the API shows of a user: never the password or its hash. */
export interface UserView {
  id: string;
  email: string;
  role: string;
  created_at: Date;
  updated_at: Date;
}

export const USER_VIEW_COLUMNS = 'id, email, role, created_at, updated_at';

import { Role } from '@cascade/auth';

/** Who may mint which key: nobody hands out a right they do not hold above a member's. */
export const ApiKeyPolicy = {
  mayMint(actor: Role, keyRole: 'admin' | 'member'): boolean {
    if (actor === 'owner') return true;
    return actor === 'admin' && keyRole === 'member';
  },
};

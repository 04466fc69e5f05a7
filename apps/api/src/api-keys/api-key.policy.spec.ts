import { ApiKeyPolicy } from './api-key.policy';

describe('ApiKeyPolicy', () => {
  it.each([
    ['owner', 'admin', true],
    ['owner', 'member', true],
    ['admin', 'admin', false],
    ['admin', 'member', true],
    ['member', 'admin', false],
    ['member', 'member', false],
    ['platform_admin', 'member', false],
  ] as const)('%s minting a %s key → %s', (actor, keyRole, allowed) => {
    expect(ApiKeyPolicy.mayMint(actor, keyRole)).toBe(allowed);
  });
});

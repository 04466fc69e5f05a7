import { hashPassword } from '@cascade/auth';
import { Problem } from './problem';
import { externalId, parseFields, passwordHash, text, timestamp } from './field-rules';

describe('field rules', () => {
  it('accepts the hashes CASCADE itself writes and refuses the ones its login could never verify', async () => {
    expect(passwordHash(await hashPassword('pw-1234567'))).toHaveProperty('value');
    expect(passwordHash('$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW')).toEqual({
      reason: expect.stringContaining('bcrypt'),
    });
    expect(passwordHash('scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaA')).toEqual({ reason: 'scrypt N must be a power of two' });
    expect(passwordHash('scrypt$1048576$8$1$c2FsdHNhbHRzYWx0$aGFzaA')).toHaveProperty('reason');
  });

  it('normalises external ids and timestamps', () => {
    expect(externalId(42)).toEqual({ value: '42' });
    expect(externalId(' a')).toHaveProperty('reason');
    expect(timestamp('2024-05-01T14:00:00+02:00')).toEqual({ value: '2024-05-01T12:00:00.000Z' });
    expect(timestamp('2024-05-01')).toHaveProperty('reason');
  });

  it('reports every problem of an object, unknown fields included, and returns nothing then', () => {
    const problems: Problem[] = [];
    const rules = { name: text(1, 3), code: externalId };
    expect(parseFields({ name: 'toolong', nmae: 'x' }, rules, { file: 'f' }, problems)).toBeNull();
    expect(problems).toEqual([
      { file: 'f', field: 'nmae', reason: 'unknown field' },
      { file: 'f', field: 'name', reason: 'must be 1 to 3 characters long' },
      { file: 'f', field: 'code', reason: 'is required' },
    ]);
  });
});

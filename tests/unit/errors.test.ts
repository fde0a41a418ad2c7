import { describe, expect, it } from 'vitest';
import { DbError, kindForSqlstate, toDbError } from '../../db/errors';

describe('database error mapping', () => {
  it('maps SQLSTATEs to kinds', () => {
    expect(kindForSqlstate('08006')).toBe('unavailable');
    expect(kindForSqlstate('57P01')).toBe('unavailable');
    expect(kindForSqlstate('53300')).toBe('unavailable');
    expect(kindForSqlstate('57014')).toBe('timeout');
    expect(kindForSqlstate('40001')).toBe('retryable');
    expect(kindForSqlstate('42501')).toBe('permission');
    expect(kindForSqlstate('42P01')).toBe('undefined_object');
    expect(kindForSqlstate('23505')).toBe('invalid_input');
    expect(kindForSqlstate('XX000')).toBe('internal');
  });

  it('treats errors without a SQLSTATE (sockets, timeouts) as unavailable', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const mapped = toDbError(err);
    expect(mapped).toBeInstanceOf(DbError);
    expect(mapped.kind).toBe('unavailable');
    expect(mapped.sqlstate).toBeUndefined();
    expect(toDbError(Object.assign(new Error('x'), { code: '42501' })).kind).toBe('permission');
  });
});

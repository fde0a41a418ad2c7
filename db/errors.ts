// Driver errors mapped to a few kinds by SQLSTATE (never by message text), so callers can
// answer "database unreachable" or "retry" without knowing the driver.

export type DbErrorKind =
  | 'unavailable' // cannot connect, server shutting down, too many connections
  | 'timeout' // statement or connect timeout
  | 'retryable' // serialization failure, deadlock
  | 'permission' // insufficient privilege
  | 'undefined_object' // missing table, function or database
  | 'invalid_input' // data exception or constraint violation
  | 'internal';

export class DbError extends Error {
  readonly kind: DbErrorKind;
  readonly sqlstate: string | undefined;

  constructor(kind: DbErrorKind, message: string, sqlstate?: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DbError';
    this.kind = kind;
    this.sqlstate = sqlstate;
  }
}

export function kindForSqlstate(code: string): DbErrorKind {
  if (code === '57014') return 'timeout'; // query_canceled (statement_timeout)
  if (code === '40001' || code === '40P01') return 'retryable';
  if (code === '42501') return 'permission';
  if (code === '42P01' || code === '42883' || code === '3D000' || code === '3F000') {
    return 'undefined_object';
  }
  const cls = code.slice(0, 2);
  // 08: connection exception, 57P0x: admin/crash shutdown, cannot connect now, 53: resources
  if (cls === '08' || code.startsWith('57P') || cls === '53') return 'unavailable';
  if (cls === '22' || cls === '23') return 'invalid_input';
  return 'internal';
}

function sqlstateOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    // SQLSTATEs are five characters; Node system errors (ECONNREFUSED...) are not.
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Wraps anything thrown by the driver; errors without a SQLSTATE are transport failures. */
export function toDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const code = sqlstateOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code) return new DbError(kindForSqlstate(code), message, code, err);
  return new DbError('unavailable', message, undefined, err);
}

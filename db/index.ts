export { type ConnectOptions, type Db, inTransaction, type Row, withDb } from './client';
export { type DbConfig, parseDbConfig, urlForDatabase } from './config';
export { detectEngine, type Engine } from './engine';
export { DbError, type DbErrorKind, toDbError } from './errors';

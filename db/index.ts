// db/'s runtime face, bundled into both Workers: connections, configuration, errors, PostgreSQL
// values, and the engine detection every reader needs. Setup code lives in db/setup/ (Node only).
export {
  type Connection,
  type ConnectOptions,
  type Db,
  inTransaction,
  openDb,
  type Row,
  withDb,
} from './client';
export { type DbConfig, type DbEnv, parseDbConfig, urlForDatabase } from './config';
export { DbError, type DbErrorKind, toDbError } from './errors';
export { detectEngine, type Engine, type EngineFeatures, engineLabel } from './pgtrickle/engine';
export { num, numOrNull, quoteIdent, strOrNull } from './values';

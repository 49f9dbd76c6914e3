export {
  createDb,
  DEFAULT_DATABASE_URL,
  dialectOf,
  type CreateDbOptions,
  type Database,
  type DbHandle,
} from './database.js';
export { TransactionMisuseError } from './adapter.js';
export type {
  Clock,
  FindOptions,
  Match,
  NewRow,
  OrderBy,
  Patch,
  PlatformScope,
  Row,
  TableAccess,
  TenantScope,
  Where,
} from './scope.js';
export { adjust, Adjustment, tenantTableNames, platformTableNames } from './scope.js';
export { newId, isId } from './ids.js';
export { containsText, startsWithText } from './search.js';
export { tables, type TableName, type TenantTableName, type PlatformTableName, type Tables } from './schema/index.js';
export {
  openKeyring,
  DecryptionError,
  isLegacySealed,
  isSealed,
  masterKeyId,
  parseMasterKey,
  rewrapDataKeys,
  type Keyring,
  type SealedPlace,
} from './crypto.js';
export { resealValues, SEALED_COLUMNS, sealedAt, type SealedColumn, type SealedTable } from './sealed.js';
// The query operators for `where` and `orderBy` callbacks, from the same Drizzle the layer uses.
export {
  and,
  asc,
  between,
  desc,
  eq,
  gt,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  ne,
  not,
  notInArray,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';

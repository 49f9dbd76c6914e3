export { loadConfig, ConfigError, type ApiConfig } from './config.js';
export { createLogger, type Logger } from './log.js';
export { reportDatabase, formatReport, type DatabaseReport } from './report.js';
export { seed, isEmpty, DEMO_PASSWORD, DEMO_OPERATOR, MANUFACTURER } from './seed/index.js';
export { createApiServer, health } from './server.js';
export { MODULES, PERMISSIONS, ROLE_TEMPLATES } from './access/catalog.js';
export { quoteLease, discountFor } from './tenants/fee.js';
export type { AppRouter } from './app-router.js';

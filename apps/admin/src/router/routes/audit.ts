/**
 * The audit log. The API reads it through `factory.auditLog.list` (P.viewAuditLog, a
 * manufacturer permission); an operator tenant has no procedure for its own log yet.
 */
import { Document } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/audit',
    name: 'audit',
    component: () => import('../../views/audit/audit-log.vue'),
    meta: { title: 'audit.menu.log', menu: { area: 'system', order: 20, icon: Document }, permission: P.viewAuditLog },
  },
] satisfies ConsoleRoute[];

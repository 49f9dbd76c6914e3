/**
 * The audit log of the signed-in user's own tenant: an operator's through `audit.list`
 * (P.auditLog), the manufacturer's through `factory.auditLog.list` (P.viewAuditLog). One
 * page for both; it opens with either permission.
 */
import { Document } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/audit',
    name: 'audit',
    component: () => import('../../views/audit/audit-log.vue'),
    meta: {
      title: 'audit.menu.log',
      menu: { area: 'system', order: 20, icon: Document },
      permission: [P.auditLog, P.viewAuditLog],
    },
  },
] satisfies ConsoleRoute[];

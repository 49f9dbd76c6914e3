/** What the database holds: rows per table, summed over every tenant, and the tenants. */
import { platformTableNames, tenantTableNames, type Database } from '@vmcloud/db';

export interface DatabaseReport {
  dialect: string;
  tenants: { code: string; name: string; kind: string; status: string }[];
  rows: Record<string, number>;
}

export async function reportDatabase(db: Database): Promise<DatabaseReport> {
  const tenants = await db.platform.tenants.find({ orderBy: (t) => [t.code] });
  const rows: Record<string, number> = {};
  for (const name of platformTableNames) rows[name] = await db.platform[name].count();
  for (const name of tenantTableNames) {
    let total = 0;
    for (const tenant of tenants) total += await db.forTenant(tenant.id)[name].count();
    rows[name] = total;
  }
  return {
    dialect: db.dialect,
    tenants: tenants.map((t) => ({ code: t.code, name: t.name, kind: t.kind, status: t.status })),
    rows,
  };
}

export function formatReport(report: DatabaseReport): string {
  const lines = [`Database (${report.dialect}) holds:`];
  for (const t of report.tenants) lines.push(`  tenant ${t.code} ${t.name} (${t.kind}, ${t.status})`);
  const nonEmpty = Object.entries(report.rows).filter(([, n]) => n > 0);
  const width = Math.max(...nonEmpty.map(([name]) => name.length));
  for (const [name, n] of nonEmpty.sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${name.padEnd(width)} ${n}`);
  const empty = Object.entries(report.rows)
    .filter(([, n]) => n === 0)
    .map(([name]) => name);
  if (empty.length > 0) lines.push(`  (empty: ${empty.sort().join(', ')})`);
  return lines.join('\n');
}

/**
 * Machine types belong to the manufacturer that builds them; an operator knows the types of
 * the machines it holds through this reader, the one read an operator procedure makes of
 * another tenant's rows (`ctx.machineTypes`), narrow by construction: machine types only,
 * of a manufacturer only.
 */
import type { Database, Row, Tables } from '@vmcloud/db';

export type MachineType = Row<Tables['machineTypes']>;

/** The types with these ids of the manufacturer `manufacturerId`; nothing of a tenant that is not a manufacturer. */
export type MachineTypeReader = (manufacturerId: string, typeIds: readonly string[]) => Promise<MachineType[]>;

export function machineTypeReader(db: Pick<Database, 'platform' | 'forTenant'>): MachineTypeReader {
  return async (manufacturerId, typeIds) => {
    if (typeIds.length === 0) return [];
    const maker = await db.platform.tenants.get(manufacturerId);
    if (maker?.kind !== 'manufacturer') return [];
    return db.forTenant(manufacturerId).machineTypes.getMany(typeIds);
  };
}

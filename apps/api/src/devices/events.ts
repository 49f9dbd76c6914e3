/**
 * Events for a machine's terminal (config changed, a payment confirmed, a remote vend, a
 * command), numbered per machine and kept in the database for at least a day, so that a
 * terminal reconnecting to any API instance resumes after the last one it saw.
 */
import { and, asc, adjust, desc, eq, gt, lt, type DbHandle, type TenantScope } from '@vmcloud/db';
import type { DeviceEvent } from '@vmcloud/protocol/device';
import type { Writer } from '../shared/writer.js';

/** How long events are kept (a terminal away this long resumes without missing one), and how long a config event holds. */
export const EVENT_TTL_MS = 24 * 3_600_000;
/** How long a terminal may act on a payment confirmation or a remote vend: a stale one is refused. */
export const SALE_EVENT_TTL_MS = 10 * 60_000;

/** Queues `event` for the machine's terminal in the writer's transaction; returns its number. */
export async function queueEvent(
  w: Pick<Writer, 'scope' | 'eventQueued'>,
  machineId: string,
  event: DeviceEvent,
  now: Date,
): Promise<number> {
  await w.scope.machines.update(machineId, { eventSeq: adjust(1) });
  const machine = await w.scope.machines.get(machineId);
  if (!machine) throw new Error(`machine ${machineId} is gone`);
  const ttl = event.type === 'payment' || event.type === 'remote_vend' ? SALE_EVENT_TTL_MS : EVENT_TTL_MS;
  await w.scope.deviceEvents.insert({
    machineId,
    seq: machine.eventSeq,
    type: event.type,
    payload: event as unknown as Record<string, unknown>,
    expiresAt: new Date(now.getTime() + ttl),
  });
  w.eventQueued(machineId);
  return machine.eventSeq;
}

export interface StoredEvent {
  seq: number;
  event: DeviceEvent;
  expiresAt: Date;
}

/** The machine's events after `afterSeq`, oldest first, at most `limit`. */
export async function eventsAfter(
  scope: TenantScope,
  machineId: string,
  afterSeq: number,
  limit = 100,
): Promise<StoredEvent[]> {
  const rows = await scope.deviceEvents.find({
    where: (e) => and(eq(e.machineId, machineId), gt(e.seq, afterSeq)),
    orderBy: (e) => [asc(e.seq)],
    limit,
  });
  return rows.map((r) => ({ seq: r.seq, event: r.payload as unknown as DeviceEvent, expiresAt: r.expiresAt }));
}

/** Deletes every tenant's events older than the keeping time (a day). */
export async function forgetExpiredEvents(db: DbHandle, now: Date): Promise<number> {
  const before = new Date(now.getTime() - EVENT_TTL_MS);
  let deleted = 0;
  for (const tenant of await db.platform.tenants.find()) {
    deleted += await db
      .forTenant(tenant.id)
      .deviceEvents.deleteWhere((e) => and(lt(e.createdAt, before), lt(e.expiresAt, now)));
  }
  return deleted;
}

/**
 * Where a terminal that names no last event starts: after the events queued before it
 * was activated (a new terminal is not handed the payments and remote vends of the one before).
 */
export async function firstEventFor(scope: TenantScope, machineId: string, activatedAt: Date): Promise<number> {
  const [last] = await scope.deviceEvents.find({
    where: (e) => and(eq(e.machineId, machineId), lt(e.createdAt, activatedAt)),
    orderBy: (e) => [desc(e.seq)],
    limit: 1,
  });
  return last?.seq ?? 0;
}

/**
 * What the terminal sells from changed (channels, products, prices, ads): each machine's
 * config version goes up by one and its terminal is told, so it pulls the new config.
 */
export async function configChanged(
  w: Pick<Writer, 'scope' | 'eventQueued'>,
  machineIds: Iterable<string>,
  now: Date,
): Promise<void> {
  for (const machineId of new Set(machineIds)) {
    await w.scope.machines.update(machineId, { configVersion: adjust(1) });
    const machine = await w.scope.machines.get(machineId);
    if (machine) await queueEvent(w, machineId, { type: 'config', version: machine.configVersion }, now);
  }
}

/** A product's name, price, image or status changed: every machine selling it gets a new config. */
export async function productChanged(
  w: Pick<Writer, 'scope' | 'eventQueued'>,
  productId: string,
  now: Date,
): Promise<void> {
  const channels = await w.scope.channels.find({ where: (c) => eq(c.productId, productId) });
  await configChanged(
    w,
    channels.map((c) => c.machineId),
    now,
  );
}

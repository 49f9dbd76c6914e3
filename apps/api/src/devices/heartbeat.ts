/**
 * Heartbeats: every terminal reports its machine's state every `heartbeatSeconds`, and the
 * platform keeps the latest in `machine_status`, raising and resolving the alarms the
 * state implies. Heartbeats are many and small, so they are written in batches: the
 * heartbeats that arrive together share one transaction (docs/PERFORMANCE-NOTES.md).
 * A job marks a machine offline after 3 missed heartbeats.
 */
import { and, eq, lt, type Database, type DbHandle, type PlatformScope, type TenantScope } from '@vmcloud/db';
import { StatusErrorBit } from '@vmcloud/protocol';
import type { HeartbeatResponse } from '@vmcloud/protocol/device';
import { z } from 'zod';
import { notFound } from '../shared/errors.js';
import { raise, resolve, track } from './conditions.js';

export const HeartbeatInput = z.object({
  appVersion: z.string().trim().min(1, 'must not be empty').max(32, 'must be at most 32 characters'),
  uptimeSeconds: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(2_000_000_000, 'is too large'),
  vmcLinkUp: z.boolean(),
  doorOpen: z.boolean(),
  temperature: z.number().int('must be whole tenths of a degree').min(-1000).max(1000).nullable(),
  errors: z.number().int('must be a whole number').min(0).max(0xffff, 'must fit 16 bits'),
  outboxDepth: z.number().int('must be a whole number').min(0).max(10_000_000),
  firmware: z.string().max(32, 'must be at most 32 characters').optional(),
});
export type HeartbeatInput = z.infer<typeof HeartbeatInput>;

/** The door may stay open this long (a restock) before it is an alarm. */
export const DOOR_OPEN_ALARM_MS = 15 * 60_000;
/** A refrigerated cabinet is out of range above this, tenths of °C. */
export const MAX_COLD_TEMPERATURE = 100;

const bit = (b: number) => 1 << b;
const CONTROLLER_FAULTS =
  bit(StatusErrorBit.TEMPERATURE_SENSOR) | bit(StatusErrorBit.DROP_SENSOR) | bit(StatusErrorBit.MOTOR_POWER);
const PAYMENT_DEVICE_FAULTS =
  bit(StatusErrorBit.COIN_CHANGER) | bit(StatusErrorBit.BILL_VALIDATOR) | bit(StatusErrorBit.CASHLESS_READER);

/** Which STATUS error bits raise which alarm. */
const FAULT_ALARMS = [
  { kind: 'vmc_fault', severity: 'critical', mask: CONTROLLER_FAULTS, label: 'Controller fault' },
  { kind: 'payment_device', severity: 'warning', mask: PAYMENT_DEVICE_FAULTS, label: 'Payment device fault' },
] as const;

function faultNames(errors: number): string {
  return Object.entries(StatusErrorBit)
    .filter(([, b]) => (errors & bit(b)) !== 0)
    .map(([name]) => name.toLowerCase().replace(/_/g, ' '))
    .join(', ');
}

/** Whether machines are refrigerated, by machine id: read once, machine types rarely change. */
const refrigeratedCache = new Map<string, { value: boolean; until: number }>();

async function isRefrigerated(tx: DbHandle, scope: TenantScope, machineId: string, now: number): Promise<boolean> {
  const cached = refrigeratedCache.get(machineId);
  if (cached && cached.until > now) return cached.value;
  const machine = await scope.machines.get(machineId);
  const type = machine ? await tx.forTenant(machine.manufacturerId).machineTypes.get(machine.typeId) : undefined;
  const value = type?.refrigerated ?? false;
  if (refrigeratedCache.size > 50_000) refrigeratedCache.clear();
  refrigeratedCache.set(machineId, { value, until: now + 10 * 60_000 });
  return value;
}

/** Records one heartbeat in `tx` and answers the machine's config version. */
export async function recordHeartbeat(
  tx: DbHandle,
  tenantId: string,
  machineId: string,
  hb: HeartbeatInput,
  now: Date,
): Promise<HeartbeatResponse> {
  const scope = tx.forTenant(tenantId);
  const machine = await scope.machines.findOneBy({ id: machineId });
  if (!machine) throw notFound('Machine');
  const before = await scope.machineStatus.findOneBy({ machineId });
  const doorOpenedAt = hb.doorOpen ? (before?.doorOpen ? (before.doorOpenedAt ?? now) : now) : null;
  const values = {
    online: true,
    lastHeartbeatAt: now,
    temperature: hb.temperature,
    doorOpen: hb.doorOpen,
    doorOpenedAt,
    appVersion: hb.appVersion,
    firmware: hb.firmware ?? before?.firmware ?? null,
    errors: hb.errors,
    vmcLinkUp: hb.vmcLinkUp,
    uptimeSeconds: hb.uptimeSeconds,
    outboxDepth: hb.outboxDepth,
  };
  if (before) await scope.machineStatus.update(before.id, values);
  else await scope.machineStatus.insert({ machineId, ...values });

  if (before && !before.online) await resolve(scope, machineId, 'offline', now);
  if (!before || before.vmcLinkUp !== hb.vmcLinkUp) {
    await track(
      scope,
      machineId,
      !hb.vmcLinkUp,
      {
        kind: 'vmc_link',
        severity: 'critical',
        message: 'The terminal cannot reach the machine’s controller',
      },
      now,
    );
  }
  if (!before || before.errors !== hb.errors) {
    for (const fault of FAULT_ALARMS) {
      const bits = hb.errors & fault.mask;
      if (((before?.errors ?? 0) & fault.mask) === bits) continue;
      // The faults changed: the alarm that named the old ones ends, one naming the new ones starts.
      await resolve(scope, machineId, fault.kind, now);
      if (bits) {
        const message = `${fault.label}: ${faultNames(bits)}`;
        await raise(scope, machineId, { kind: fault.kind, severity: fault.severity, message }, now);
      }
    }
  }
  if (!before || before.temperature !== hb.temperature) {
    const tooWarm = hb.temperature !== null && hb.temperature > MAX_COLD_TEMPERATURE;
    if (tooWarm || before?.temperature != null) {
      const cold = await isRefrigerated(tx, scope, machineId, now.getTime());
      await track(
        scope,
        machineId,
        cold && tooWarm,
        {
          kind: 'temperature',
          severity: 'warning',
          message: `Cabinet at ${((hb.temperature ?? 0) / 10).toFixed(1)} °C, above ${MAX_COLD_TEMPERATURE / 10} °C`,
        },
        now,
      );
    }
  }
  if (!hb.doorOpen && before?.doorOpen) await resolve(scope, machineId, 'door_open', now);
  if (doorOpenedAt && now.getTime() - doorOpenedAt.getTime() >= DOOR_OPEN_ALARM_MS) {
    await raise(
      scope,
      machineId,
      { kind: 'door_open', severity: 'warning', message: 'The door has been open for more than 15 minutes' },
      now,
    );
  }
  return { configVersion: machine.configVersion, serverTime: now.toISOString() };
}

interface Pending {
  tenantId: string;
  machineId: string;
  heartbeat: HeartbeatInput;
  /** Claims the signed call's nonce in the batch's transaction. */
  claim?: (platform: PlatformScope) => Promise<void>;
  resolve(value: HeartbeatResponse): void;
  reject(error: unknown): void;
}

/**
 * Writes the heartbeats that arrive within `windowMs` of each other (at most `maxBatch`)
 * in one transaction, and answers each once it has committed. A batch that fails is
 * written again one heartbeat at a time, so one bad heartbeat fails alone.
 */
export class HeartbeatBatcher {
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database | DbHandle,
    private readonly now: () => Date,
    private readonly windowMs = 5,
    private readonly maxBatch = 500,
  ) {}

  submit(
    tenantId: string,
    machineId: string,
    heartbeat: HeartbeatInput,
    claim?: (platform: PlatformScope) => Promise<void>,
  ): Promise<HeartbeatResponse> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ tenantId, machineId, heartbeat, claim, resolve, reject });
      if (this.#pending.length >= this.maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.windowMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length > 0) void this.#write(batch);
  }

  async #write(batch: Pending[]): Promise<void> {
    const now = this.now();
    try {
      const answers = await this.db.transaction(async (tx) => {
        const out: HeartbeatResponse[] = [];
        for (const p of batch) {
          await p.claim?.(tx.platform);
          out.push(await recordHeartbeat(tx, p.tenantId, p.machineId, p.heartbeat, now));
        }
        return out;
      });
      batch.forEach((p, i) => p.resolve(answers[i] as HeartbeatResponse));
    } catch (error) {
      if (batch.length === 1) {
        (batch[0] as Pending).reject(error);
        return;
      }
      for (const p of batch) {
        await this.db
          .transaction(async (tx) => {
            await p.claim?.(tx.platform);
            return recordHeartbeat(tx, p.tenantId, p.machineId, p.heartbeat, now);
          })
          .then(p.resolve, p.reject);
      }
    }
  }
}

/**
 * Marks machines offline whose last heartbeat is older than 3 intervals, raising their
 * offline alarm, and raises the alarm of doors open too long on machines gone quiet.
 */
export async function markOffline(db: Database, now: Date, heartbeatSeconds: number) {
  const cutoff = new Date(now.getTime() - 3 * heartbeatSeconds * 1000);
  let offline = 0;
  for (const tenant of await db.platform.tenants.find()) {
    const scope = db.forTenant(tenant.id);
    const quiet = await scope.machineStatus.find({
      where: (s) => and(eq(s.online, true), lt(s.lastHeartbeatAt, cutoff)),
    });
    for (const status of quiet) {
      await db.transaction(async (tx) => {
        const s = tx.forTenant(tenant.id);
        const marked = await s.machineStatus.updateWhere(
          (x) => and(eq(x.id, status.id), eq(x.online, true), lt(x.lastHeartbeatAt, cutoff)),
          { online: false },
        );
        if (marked === 0) return;
        offline++;
        const minutes = Math.round((now.getTime() - (status.lastHeartbeatAt?.getTime() ?? now.getTime())) / 60_000);
        await raise(
          s,
          status.machineId,
          {
            kind: 'offline',
            severity: 'critical',
            message: `No heartbeat for ${minutes} minutes (3 intervals of ${heartbeatSeconds} s missed)`,
          },
          now,
        );
      });
    }
  }
  return { offline };
}

/**
 * Stock: the warehouse, shipments (出库), transfers (调拨), restocks (上货), the outbound
 * query and the printable lists, as the API gives them. Types come from the API's router.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import type { PageStateName } from '../components/page-state';
import { api, failureCode, type ApiClient } from './client';

type Out = inferRouterOutputs<AppRouter>;
type In = inferRouterInputs<AppRouter>;

export type WarehouseStock = Out['warehouse']['list'];
export type WarehouseLine = WarehouseStock['lines'][number];
export type StaffHoldings = Out['warehouse']['staffInventory'];
export type ReceiveInput = In['warehouse']['receive'];
export type AdjustInput = In['warehouse']['adjust'];

export type ShipmentPage = Out['shipments']['list'];
export type Shipment = ShipmentPage['rows'][number];
export type ShipmentStatus = Shipment['status'];
export type ShipmentListInput = NonNullable<In['shipments']['list']>;
export type ShipmentRequestInput = In['shipments']['request'];

export type OutboundPage = Out['shipments']['outbound'];
export type OutboundRow = OutboundPage['rows'][number];
export type OutboundInput = NonNullable<In['shipments']['outbound']>;

export type TransferPage = Out['transfers']['list'];
export type Transfer = TransferPage['rows'][number];
export type TransferInput = In['transfers']['create'];
export type TransferListInput = NonNullable<In['transfers']['list']>;

export type MyInventory = Out['restocks']['myInventory'];
export type RestockRecord = Out['restocks']['history'][number];
export type RestockHistoryInput = NonNullable<In['restocks']['history']>;
export type RestockInput = In['restocks']['create'];
export type MyMachine = Out['machines']['mine'][number];

export type ShipmentList = Out['printLists']['shipment'];
export type RestockList = Out['printLists']['restock'];

/** The statuses a shipment moves through, in order (for filters and tags). */
export const SHIPMENT_STATUSES = [
  'requested',
  'approved',
  'shipped',
  'rejected',
  'cancelled',
] as const satisfies readonly ShipmentStatus[];

/** Element Plus tag type of each shipment status. */
export const SHIPMENT_TAG: Readonly<Record<ShipmentStatus, 'primary' | 'success' | 'warning' | 'info' | 'danger'>> = {
  requested: 'warning',
  approved: 'primary',
  shipped: 'success',
  rejected: 'danger',
  cancelled: 'info',
};

/** What a shipment's current status lets the warehouse do next. */
export function shipmentActions(status: ShipmentStatus) {
  return {
    approve: status === 'requested',
    ship: status === 'approved',
    reject: status === 'requested' || status === 'approved',
    cancel: status === 'requested',
  };
}

/** A person as lists show them: display name and username. */
export function personLabel(person: { displayName: string; username: string } | null | undefined): string {
  return person ? `${person.displayName} (${person.username})` : '';
}

/** A product as lists show it: name and code. */
export function productLabel(product: { name: string; code: string } | null | undefined): string {
  return product ? `${product.name} (${product.code})` : '';
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** Today's date (`YYYY-MM-DD`) in `timeZone`, or `days` later (negative: earlier). */
export function todayIn(timeZone: string, days = 0, now: Date = new Date()): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The instant a calendar day (`YYYY-MM-DD`) starts in `timeZone` (the tenant's). */
export function dayStart(day: string, timeZone: string): string {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  let instant = midnight - zoneOffset(midnight, timeZone);
  instant = midnight - zoneOffset(instant, timeZone);
  return new Date(instant).toISOString();
}

/** The instant after a calendar day ends in `timeZone`: the end of a [from, to) filter. */
export function dayAfter(day: string, timeZone: string): string {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return dayStart(next, timeZone);
}

export function shipmentPage(input: ShipmentListInput, client: ApiClient = api): Promise<ShipmentPage> {
  return client.shipments.list.query(input);
}

/**
 * The PageState of a page that loads by itself (not through usePagedQuery): refused for a
 * FORBIDDEN failure, error for another, loading until the first answer, empty or ready.
 */
export function pageStateOf(error: unknown, loaded: boolean, empty = false): PageStateName {
  if (error) return failureCode(error) === 'FORBIDDEN' ? 'refused' : 'error';
  if (!loaded) return 'loading';
  return empty ? 'empty' : 'ready';
}

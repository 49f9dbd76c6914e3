/** Machines: the fleet with live status, one machine, its planogram, terminal, logs and orders. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type FleetFilter = Omit<Inputs['dashboard']['fleet'], 'limit' | 'offset'>;
export type FleetPage = Outputs['dashboard']['fleet'];
export type FleetMachine = FleetPage['items'][number];
export type MachineDetail = Outputs['machines']['get'];
export type MachineChannel = MachineDetail['channels'][number];
export type ChannelGroup = Outputs['channelGroups']['list'][number];
export type TerminalCredential = Outputs['terminals']['credentials'][number];
export type TerminalLogPage = Outputs['terminals']['logs'];
export type TerminalLog = TerminalLogPage['items'][number];
export type MachineOrderPage = Outputs['orders']['list'];
export type MachineOrder = MachineOrderPage['items'][number];
export type ActivationCode = Outputs['machines']['issueActivationCode'];
export type ProductOption = Outputs['products']['list']['items'][number];
export type MachineStatus = FleetMachine['status'];

/** A page of the fleet with live status, filtered. */
export function fetchFleet(
  filter: FleetFilter & { limit: number; offset: number },
  client: ApiClient = api,
): Promise<FleetPage> {
  return client.dashboard.fleet.query(filter);
}

export function fetchMachine(machineId: string, client: ApiClient = api): Promise<MachineDetail> {
  return client.machines.get.query({ machineId });
}

/**
 * What the customer's phone opens from the sticker: `<origin>/m/<device number or machine id>`.
 * The device number is what the operator prints on the machine, when it has one.
 */
export function stickerUrl(origin: string, machine: { id: string; deviceNo: string | null }): string {
  return `${origin.replace(/\/$/, '')}/m/${encodeURIComponent(machine.deviceNo ?? machine.id)}`;
}

/** Temperature in tenths of a degree, as °C with one decimal. */
export function formatTemperature(tenths: number | null): string | null {
  return tenths === null ? null : `${(tenths / 10).toFixed(1)} °C`;
}

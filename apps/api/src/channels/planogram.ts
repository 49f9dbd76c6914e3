/**
 * The planogram: which product at which price in which channel of a machine, each
 * channel's capacity, channels taken out of service, and channel groups (channels of one
 * machine sharing a product and price). A channel holding stock keeps its product until it
 * is empty. Each change is audited and answers the channels or group as the console shows
 * them.
 */
import { configChanged } from '../devices/events.js';
import { resolve } from '../devices/conditions.js';
import { and, asc, eq, inArray, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import { id, Money, Text } from '../shared/input.js';

type Channel = Row<Tables['channels']>;
type ChannelGroup = Row<Tables['channelGroups']>;
type Product = Row<Tables['products']>;
type ChannelPatch = Partial<
  Pick<Channel, 'productId' | 'price' | 'specialPrice' | 'capacity' | 'enabled' | 'disabledReason' | 'channelGroupId'>
>;

/** The one item of a list described from one row. */
const only = <T>(items: T[]): T => items[0] as T;

/** Largest channel capacity. */
export const MAX_CAPACITY = 1000;

export const Capacity = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_CAPACITY, `must be at most ${MAX_CAPACITY}`);

/** Channels as the console shows them: by number, with their product's code and name. */
export async function describeChannels(scope: TenantScope, channels: Channel[]) {
  const productIds = [...new Set(channels.flatMap((c) => (c.productId ? [c.productId] : [])))];
  const products = await scope.products.getMany(productIds);
  const byId = new Map(products.map((p) => [p.id, p]));
  return [...channels]
    .sort((a, b) => a.number - b.number)
    .map((c) => {
      const product = c.productId ? byId.get(c.productId) : undefined;
      return plain({
        id: c.id,
        machineId: c.machineId,
        number: c.number,
        capacity: c.capacity,
        stock: c.stock,
        /** Free room: what a restock can still add. */
        free: c.capacity - c.stock,
        productId: c.productId,
        productCode: product?.code ?? null,
        productName: product?.name ?? null,
        price: c.price,
        specialPrice: c.specialPrice,
        channelGroupId: c.channelGroupId,
        enabled: c.enabled,
        disabledReason: c.disabledReason,
        updatedAt: c.updatedAt,
      });
    });
}

/** Channels of a machine, by number. */
export async function channelsOfMachine(scope: TenantScope, machineId: string) {
  return scope.channels.find({ where: (c) => eq(c.machineId, machineId), orderBy: (c) => [asc(c.number)] });
}

async function loadChannel(scope: TenantScope, channelId: string): Promise<Channel> {
  const channel = await scope.channels.get(channelId);
  if (!channel) throw notFound('Channel');
  return channel;
}

async function loadProduct(scope: TenantScope, productId: string): Promise<Product> {
  const product = await scope.products.get(productId);
  if (!product) throw notFound('Product');
  if (product.status !== 'active') throw refused('productId', 'is discontinued');
  return product;
}

/** A channel holding stock keeps its product until it is empty: the stock would be counted as another product. */
function checkProductChange(channel: Channel, productId: string | null, field = 'productId') {
  if (channel.productId !== productId && channel.stock > 0) {
    throw refused(field, `channel ${channel.number} still holds ${channel.stock} of another product; empty it first`);
  }
}

function refuseGrouped(channel: Channel, group: ChannelGroup | undefined) {
  if (channel.channelGroupId) {
    throw refused('channelId', `is in channel group "${group?.name ?? ''}"; change the group instead`);
  }
}

/** Updates one channel and audits it. */
async function updateChannel(w: Writer, userId: string, channel: Channel, patch: ChannelPatch, now: Date) {
  const next = { ...channel, ...patch, updatedAt: now, updatedBy: userId };
  await w.scope.channels.update(channel.id, { ...patch, updatedAt: now, updatedBy: userId });
  await w.audit({ entity: 'channels', entityId: channel.id, before: channel, after: next });
  if (patch.enabled === true && !channel.enabled) {
    // Re-enabled after a jam or a motor fault: the alarm is over.
    await resolve(w.scope, channel.machineId, 'jam', now, channel.number);
    await resolve(w.scope, channel.machineId, 'motor_fault', now, channel.number);
  }
  await configChanged(w, [channel.machineId], now);
  return next;
}

/** A channel group with the numbers of its channels. */
async function describeGroups(scope: TenantScope, groups: ChannelGroup[]) {
  const groupIds = groups.map((g) => g.id);
  const channels =
    groupIds.length === 0 ? [] : await scope.channels.find({ where: (c) => inArray(c.channelGroupId, groupIds) });
  const productIds = [...new Set(groups.map((g) => g.productId))];
  const products = await scope.products.getMany(productIds);
  return groups.map((g) => {
    const product = products.find((p) => p.id === g.productId);
    const members = channels.filter((c) => c.channelGroupId === g.id).sort((a, b) => a.number - b.number);
    return plain({
      ...g,
      productCode: product?.code ?? null,
      productName: product?.name ?? null,
      channelIds: members.map((c) => c.id),
      channelNumbers: members.map((c) => c.number),
    });
  });
}

async function loadGroup(scope: TenantScope, channelGroupId: string): Promise<ChannelGroup> {
  const group = await scope.channelGroups.get(channelGroupId);
  if (!group) throw notFound('Channel group');
  return group;
}

/** Gives every channel of a group the group's product and price. */
async function applyToChannels(w: Writer, userId: string, group: ChannelGroup, product: Product, now: Date) {
  const channels = await w.scope.channels.find({ where: (c) => eq(c.channelGroupId, group.id) });
  for (const channel of channels) checkProductChange(channel, product.id);
  for (const channel of channels) {
    await updateChannel(
      w,
      userId,
      channel,
      { productId: product.id, price: group.price, specialPrice: group.price !== product.price },
      now,
    );
  }
}

export const GroupName = Text(32);

/** The acting user. */
import type { Actor } from '../shared/writer.js';

/** The channels of a machine, by number, with product, price, capacity and stock. */
export async function listChannels(scope: TenantScope, machineId: string) {
  const machine = await scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  return describeChannels(scope, await channelsOfMachine(scope, machine.id));
}

export const SetProductInput = z.object({
  channelId: id('channels'),
  productId: id('products').nullable(),
  price: Money.optional(),
});

/**
 * Puts a product in a channel (or takes it out, with `productId` null), at the product's
 * price unless a special price is given. A channel holding stock keeps its product.
 */
export async function setChannelProduct(w: Writer, by: Actor, input: z.infer<typeof SetProductInput>, now: Date) {
  const channel = await loadChannel(w.scope, input.channelId);
  const product = input.productId ? await loadProduct(w.scope, input.productId) : null;
  refuseGrouped(channel, channel.channelGroupId ? await w.scope.channelGroups.get(channel.channelGroupId) : undefined);
  checkProductChange(channel, product?.id ?? null);
  if (!product && input.price !== undefined) throw refused('price', 'needs a product');
  const price = product ? (input.price ?? product.price) : null;
  const next = await updateChannel(
    w,
    by.userId,
    channel,
    { productId: product?.id ?? null, price, specialPrice: product !== null && price !== product.price },
    now,
  );
  return only(await describeChannels(w.scope, [next]));
}

export const SetPriceInput = z.object({ channelId: id('channels'), price: Money });

/** Sets a channel's selling price; a price other than the product's is a special price. */
export async function setChannelPrice(w: Writer, by: Actor, input: z.infer<typeof SetPriceInput>, now: Date) {
  const channel = await loadChannel(w.scope, input.channelId);
  refuseGrouped(channel, channel.channelGroupId ? await w.scope.channelGroups.get(channel.channelGroupId) : undefined);
  const product = channel.productId ? await w.scope.products.get(channel.productId) : undefined;
  if (!product) throw refused('channelId', 'has no product; set one first');
  const next = await updateChannel(
    w,
    by.userId,
    channel,
    { price: input.price, specialPrice: input.price !== product.price },
    now,
  );
  return only(await describeChannels(w.scope, [next]));
}

export const SetCapacityInput = z.object({ channelId: id('channels'), capacity: Capacity });

/** Sets how many items a channel holds; never less than the stock in it. */
export async function setChannelCapacity(w: Writer, by: Actor, input: z.infer<typeof SetCapacityInput>, now: Date) {
  const channel = await loadChannel(w.scope, input.channelId);
  if (input.capacity < channel.stock) throw refused('capacity', `less than the ${channel.stock} in stock`);
  const next = await updateChannel(w, by.userId, channel, { capacity: input.capacity }, now);
  return only(await describeChannels(w.scope, [next]));
}

export const DeactivateInput = z.object({ channelId: id('channels'), reason: Text(200) });

/**
 * Takes a channel out of service, with the reason (a jammed motor, a broken lane), or puts
 * it back (`reason` null).
 */
export async function setChannelService(w: Writer, by: Actor, channelId: string, reason: string | null, now: Date) {
  const channel = await loadChannel(w.scope, channelId);
  const patch = reason === null ? { enabled: true, disabledReason: null } : { enabled: false, disabledReason: reason };
  const next = await updateChannel(w, by.userId, channel, patch, now);
  return only(await describeChannels(w.scope, [next]));
}

/** The channel groups of a machine, with their channels. */
export async function listChannelGroups(scope: TenantScope, machineId: string) {
  const machine = await scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  const groups = await scope.channelGroups.find({
    where: (g) => eq(g.machineId, machine.id),
    orderBy: (g) => [asc(g.name)],
  });
  return describeGroups(scope, groups);
}

const sameName = () => conflict('name: this machine already has a channel group of that name');

export const CreateGroupInput = z.object({
  machineId: id('machines'),
  name: GroupName,
  channelIds: z.array(id('channels')).min(1, 'must name at least one channel').max(200, 'are too many'),
  productId: id('products'),
  price: Money.optional(),
});

/**
 * Groups channels of one machine under one product and price (the product's unless a
 * price is given); each channel takes the group's product and price.
 */
export async function createChannelGroup(w: Writer, by: Actor, input: z.infer<typeof CreateGroupInput>, now: Date) {
  const userId = by.userId;
  const machine = await w.scope.machines.get(input.machineId);
  if (!machine) throw notFound('Machine');
  if (await w.scope.channelGroups.findOne((g) => and(eq(g.machineId, machine.id), eq(g.name, input.name)))) {
    throw sameName();
  }
  const product = await loadProduct(w.scope, input.productId);
  const channels: Channel[] = [];
  for (const channelId of new Set(input.channelIds)) channels.push(await loadChannel(w.scope, channelId));
  for (const channel of channels) {
    if (channel.machineId !== machine.id) {
      throw refused('channelIds', `channel ${channel.number} is not a channel of this machine`);
    }
    if (channel.channelGroupId) {
      const other = await w.scope.channelGroups.get(channel.channelGroupId);
      throw refused('channelIds', `channel ${channel.number} is already in group "${other?.name ?? ''}"`);
    }
    checkProductChange(channel, product.id, 'channelIds');
  }
  const price = input.price ?? product.price;
  const group = await w.scope.channelGroups.insert({
    machineId: machine.id,
    name: input.name,
    productId: product.id,
    price,
    discount: price < product.price,
    createdBy: userId,
    updatedBy: userId,
  });
  await w.audit({ entity: 'channelGroups', entityId: group.id, after: group });
  for (const channel of channels) {
    await updateChannel(
      w,
      userId,
      channel,
      { channelGroupId: group.id, productId: product.id, price, specialPrice: price !== product.price },
      now,
    );
  }
  return only(await describeGroups(w.scope, [group]));
}

export const UpdateGroupInput = z.object({
  channelGroupId: id('channelGroups'),
  name: GroupName.optional(),
  productId: id('products').optional(),
  price: Money.optional(),
});

/** Renames a group or sets its product and price, which every channel of the group takes. */
export async function updateChannelGroup(w: Writer, by: Actor, input: z.infer<typeof UpdateGroupInput>, now: Date) {
  const userId = by.userId;
  const group = await loadGroup(w.scope, input.channelGroupId);
  const product = input.productId
    ? await loadProduct(w.scope, input.productId)
    : await w.scope.products.get(group.productId);
  if (!product) throw notFound('Product');
  if (input.name !== undefined && input.name !== group.name) {
    const name = input.name;
    if (await w.scope.channelGroups.findOne((g) => and(eq(g.machineId, group.machineId), eq(g.name, name)))) {
      throw sameName();
    }
  }
  // A new product without a price sells at the new product's price.
  const price = input.price ?? (input.productId && input.productId !== group.productId ? product.price : group.price);
  const next: ChannelGroup = {
    ...group,
    name: input.name ?? group.name,
    productId: product.id,
    price,
    discount: price < product.price,
    updatedAt: now,
    updatedBy: userId,
  };
  await w.scope.channelGroups.update(group.id, {
    name: next.name,
    productId: next.productId,
    price: next.price,
    discount: next.discount,
    updatedAt: now,
    updatedBy: userId,
  });
  await w.audit({ entity: 'channelGroups', entityId: group.id, before: group, after: next });
  await applyToChannels(w, userId, next, product, now);
  return only(await describeGroups(w.scope, [next]));
}

/** Dissolves a group: its channels keep their product and price and are set one by one again. */
export async function dissolveChannelGroup(w: Writer, by: Actor, channelGroupId: string, now: Date) {
  const group = await loadGroup(w.scope, channelGroupId);
  const channels = await w.scope.channels.find({ where: (c) => eq(c.channelGroupId, group.id) });
  for (const channel of channels) await updateChannel(w, by.userId, channel, { channelGroupId: null }, now);
  await w.scope.channelGroups.delete(group.id);
  await w.audit({ entity: 'channelGroups', entityId: group.id, before: group });
  return { id: group.id, channels: channels.length };
}

/**
 * The fleet on the platform, set up as people would through the API, and only what is
 * missing (a second start finds it all done): the manufacturer builds each machine and
 * sells it to the demo operator; the operator gives it to field worker staff1 and a
 * product to its first channels; the field worker restocks them, asking the warehouse for
 * more when their own stock runs short; a gift-code rule makes codes to win.
 */
import type { People } from './platform.js';

/** The machine model the fleet is built as: 4 trays of 5 channels, capacity 10. */
export const FLEET_MODEL = 'VMC-C20';
export const DEMO_OPERATOR_CODE = '100001';
/** The rule that lets the fleet's customers win gift codes now and then. */
export const FLEET_GIFT_RULE = { name: '演示机队 每6单赠饮料', trigger: 'every_nth_order', threshold: 6, validDays: 7 };

/** A channel of a fleet machine as the platform has it. */
export interface FleetChannel {
  id: string;
  number: number;
  productId: string;
  productName: string;
  price: number;
  capacity: number;
  /** Stock as the platform counts it. */
  stock: number;
  enabled: boolean;
}

export interface ProvisionedMachine {
  index: number;
  boardId: string;
  machineId: string;
  name: string;
  /** The channels with a product, by number. */
  channels: FleetChannel[];
}

interface ChannelRow {
  id: string;
  number: number;
  capacity: number;
  stock: number;
  productId: string | null;
  productName: string | null;
  price: number | null;
  enabled: boolean;
}

interface Product {
  id: string;
  code: string;
  name: string;
  price: number;
}

type Say = (line: string) => void;

/** The operator's products the fleet sells: drinks and snacks, by code. */
export async function fleetProducts(people: People): Promise<Product[]> {
  const catalog = await people.admin.query<{ items: Product[] }>('products.list', { limit: 200 });
  const products = catalog.items.filter((p) => /^[DS]\d+$/.test(p.code)).sort((a, b) => a.code.localeCompare(b.code));
  if (products.length === 0) throw new Error('the demo operator has no products to sell');
  return products;
}

/** Sets up machine `index` (board `boardId`) on the platform, as far as it is not yet. */
export async function provisionMachine(
  people: People,
  index: number,
  boardId: string,
  options: { productChannels: number; products: Product[]; say: Say },
): Promise<ProvisionedMachine> {
  const { maker, admin, staff } = people;
  const { say } = options;
  const built = await maker.query<{
    items: { id: string; boardId: string; status: string; soldTo: { name: string } | null }[];
  }>('factory.machines.list', { boardId });
  let machine = built.items.find((m) => m.boardId === boardId);
  if (!machine) {
    const types = await maker.query<{ id: string; model: string }[]>('factory.machineTypes.list');
    const type = types.find((t) => t.model === FLEET_MODEL);
    if (!type) throw new Error(`no machine type ${FLEET_MODEL} on the platform`);
    const added = await maker.mutate<{ id: string }>('factory.machines.add', {
      boardId,
      typeId: type.id,
      price: 1_880_000,
    });
    machine = { id: added.id, boardId, status: 'in_stock', soldTo: null };
    say(`M${index} built ${boardId} as a ${FLEET_MODEL}`);
  }
  if (machine.status === 'in_stock') {
    const tenants = await maker.query<{ items: { id: string; code: string; name: string }[] }>('tenants.list', {
      search: 'Demo',
    });
    let operator = tenants.items.find((t) => t.code === DEMO_OPERATOR_CODE);
    if (!operator) {
      const all = await maker.query<{ items: { id: string; code: string; name: string }[] }>('tenants.list', {});
      operator = all.items.find((t) => t.code === DEMO_OPERATOR_CODE);
    }
    if (!operator) throw new Error(`no operator ${DEMO_OPERATOR_CODE} on the platform`);
    await maker.mutate('factory.machines.sell', { machineId: machine.id, operatorId: operator.id });
    say(`M${index} ${boardId} sold to ${operator.name}`);
  }

  const listed = await admin.query<{
    items: { id: string; boardId: string; name: string | null; staffId: string | null }[];
  }>('machines.list', { boardId });
  const mine = listed.items.find((m) => m.boardId === boardId);
  if (!mine) throw new Error(`${boardId} is not the demo operator's machine`);
  let name = mine.name ?? '';
  if (!name) {
    name = `演示机队 ${index} 号`;
    await admin.mutate('machines.rename', { machineId: mine.id, name });
  }
  if (mine.staffId !== staff.userId) {
    await admin.mutate('machines.assignStaff', { machineId: mine.id, staffId: staff.userId });
    say(`M${index} ${boardId} assigned to field worker ${staff.login.username}`);
  }

  let rows = await admin.query<ChannelRow[]>('channels.list', { machineId: mine.id });
  const unset = rows.filter((r) => r.number <= options.productChannels && r.productId === null);
  for (const row of unset) {
    const product = options.products[(row.number - 1 + (index - 1) * 3) % options.products.length] as Product;
    await admin.mutate('channels.setProduct', { channelId: row.id, productId: product.id });
  }
  if (unset.length > 0) {
    say(`M${index} ${unset.length} channels given a product`);
    rows = await admin.query<ChannelRow[]>('channels.list', { machineId: mine.id });
  }
  return { index, boardId, machineId: mine.id, name, channels: fleetChannels(rows) };
}

function fleetChannels(rows: ChannelRow[]): FleetChannel[] {
  return rows
    .filter((r) => r.productId !== null && r.price !== null)
    .map((r) => ({
      id: r.id,
      number: r.number,
      productId: r.productId as string,
      productName: r.productName ?? '',
      price: r.price as number,
      capacity: r.capacity,
      stock: r.stock,
      enabled: r.enabled,
    }))
    .sort((a, b) => a.number - b.number);
}

/** The machine's channels with a product, as the platform has them now. */
export async function channelsOf(people: People, machineId: string): Promise<FleetChannel[]> {
  return fleetChannels(await people.admin.query<ChannelRow[]>('channels.list', { machineId }));
}

/** Makes sure the field worker holds `quantity` of a product: a shipment from the warehouse if not. */
async function ensureHeld(people: People, product: { id: string; name: string }, quantity: number, say: Say) {
  const productId = product.id;
  const { admin, staff } = people;
  const inventory = await staff.query<{ lines: { product: { id: string; name: string }; quantity: number }[] }>(
    'restocks.myInventory',
  );
  const line = inventory.lines.find((l) => l.product.id === productId);
  const held = line?.quantity ?? 0;
  const name = line?.product.name ?? product.name;
  if (held >= quantity) return;
  const wanted = Math.max(40, quantity * 4);
  const shipment = await staff.mutate<{ id: string }>('shipments.request', {
    items: [{ productId, quantity: wanted }],
    note: 'demo fleet',
  });
  await admin.mutate('shipments.approve', { shipmentId: shipment.id });
  try {
    await admin.mutate('shipments.ship', { shipmentId: shipment.id });
  } catch {
    // The warehouse runs short: a delivery arrives, then the shipment leaves.
    await admin.mutate('warehouse.receive', { items: [{ productId, quantity: wanted * 5 }], note: 'demo fleet' });
    await admin.mutate('shipments.ship', { shipmentId: shipment.id });
    say(`warehouse received ${wanted * 5} of ${name}`);
  }
  say(`field worker ${staff.login.username} got ${wanted} of ${name} from the warehouse`);
}

/** The field worker records a restock of `quantity` into a channel on the platform. */
export async function restockOnPlatform(
  people: People,
  machineId: string,
  channel: FleetChannel,
  quantity: number,
  say: Say,
): Promise<void> {
  await ensureHeld(people, { id: channel.productId, name: channel.productName }, quantity, say);
  await people.staff.mutate('restocks.create', {
    machineId,
    channelId: channel.id,
    productId: channel.productId,
    quantity,
  });
}

/** The operator puts a channel back in service (after a jam was cleared). */
export async function reenableChannel(people: People, channelId: string): Promise<void> {
  await people.admin.mutate('channels.activate', { channelId });
}

/** An activation code for the machine's terminal. */
export async function activationCode(people: People, machineId: string): Promise<string> {
  const { code } = await people.admin.mutate<{ code: string }>('machines.issueActivationCode', { machineId });
  return code;
}

/** Makes sure an enabled rule issues gift codes every few orders, so that customers win some. */
export async function ensureGiftRule(people: People, value: number, say: Say): Promise<void> {
  const rules = await people.admin.query<{ name: string; trigger: string; enabled: boolean }[]>('giftCodes.rules', {});
  if (rules.some((r) => r.enabled && r.trigger === 'every_nth_order')) return;
  if (rules.some((r) => r.name === FLEET_GIFT_RULE.name)) return; // turned off on purpose
  await people.admin.mutate('giftCodes.createRule', { ...FLEET_GIFT_RULE, value, enabled: true });
  say(`gift-code rule "${FLEET_GIFT_RULE.name}" added: every ${FLEET_GIFT_RULE.threshold}th order wins a code`);
}

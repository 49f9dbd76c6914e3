/**
 * An end-to-end world: the API on a SQLite file with the demo data, a simulator running
 * the machines, and one terminal process per machine, each activated through the real
 * flow (the manufacturer builds and sells the machine, the operator stocks its channels
 * and issues the activation code, the terminal activates on the machine's board). Every
 * timing is short so that a sale takes seconds.
 */
import { join } from 'node:path';
import { createTRPCUntypedClient, httpLink, TRPCClientError, type TRPCUntypedClient } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { Proc, scratchDir, type Line } from './processes.js';

export const DEMO_OPERATOR = '100001';
export const MANUFACTURER = '000001';
export const DEMO_PASSWORD = 'Demo_2026';

/** Timings of the platform in the tests. */
export const HEARTBEAT_SECONDS = 1;
export const QR_EXPIRY_SECONDS = 8;

export interface ApiHandle {
  proc: Proc;
  url: string;
  port: number;
}

/** Starts the API on `dir`'s database (seeded with the demo when empty); `port` 0 picks one. */
export async function startApi(dir: string, port = 0, extraEnv: Record<string, string> = {}): Promise<ApiHandle> {
  const proc = new Proc('api', ['apps/api/dist/main.js', 'start'], {
    DATABASE_URL: `file:${join(dir, 'vmcloud.db')}`,
    VMCLOUD_MASTER_KEY_FILE: join(dir, 'master.key'),
    VMCLOUD_SIGNING_KEY_FILE: join(dir, 'signing.key'),
    VMCLOUD_UPLOAD_DIR: join(dir, 'uploads'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    VMCLOUD_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
    VMCLOUD_QR_EXPIRY_SECONDS: String(QR_EXPIRY_SECONDS),
    VMCLOUD_PAYMENT_QUERY_SECONDS: '1',
    VMCLOUD_DEMO_FLEET: 'off',
    ...extraEnv,
  });
  const m = await proc.waitForText(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 'the API listening', 90_000);
  const actual = Number(m[1]);
  return { proc, url: `http://127.0.0.1:${actual}`, port: actual };
}

export type Client = TRPCUntypedClient<AnyRouter>;

/** Signs in through `auth.login` and answers a client carrying the session (and the user's id as `userId`). */
export async function signIn(url: string, tenantCode: string, username: string): Promise<Client & { userId: string }> {
  const response = await fetch(`${url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantCode, username, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${tenantCode}/${username}: ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { result } = (await response.json()) as { result: { data: { user: { id: string } } } };
  const client = createTRPCUntypedClient({ links: [httpLink({ url: `${url}/trpc`, headers: { cookie } })] });
  return Object.assign(client, { userId: result.data.user.id });
}

export const query = <T>(client: Client, path: string, input?: unknown) => client.query(path, input) as Promise<T>;
export const mutate = <T>(client: Client, path: string, input?: unknown) => client.mutation(path, input) as Promise<T>;

export function errorOf(error: unknown): string {
  return error instanceof TRPCClientError ? error.message : String(error);
}

export interface SimulatorHandle {
  proc: Proc;
  ports: number[];
}

/** Starts `machines` simulated machines of 20 channels of capacity 10, all empty. */
export async function startSimulator(machines: number, extra: string[] = []): Promise<SimulatorHandle> {
  const proc = new Proc(
    'simulator',
    [
      'apps/simulator/dist/main.js',
      '--machines',
      String(machines),
      '--port',
      '0',
      '--json',
      '--channels',
      '20',
      '--capacity',
      '10',
      '--stock',
      '0',
      '--motor-ms',
      '300',
      ...extra,
    ],
    {},
  );
  const listening = await proc.waitFor((l) => l.type === 'listening', 'the simulator listening');
  const ports = (listening.machines as { port: number }[]).map((m) => m.port);
  return { proc, ports };
}

/** Sends a command to the simulator and answers its reply. */
export async function simulate(sim: SimulatorHandle, command: string): Promise<Line> {
  const from = sim.proc.lines.length;
  sim.proc.send(command);
  return sim.proc.waitFor(
    (l) => (l.type === 'reply' && l.command === command) || l.type === 'state' || l.type === 'error',
    `the reply to "${command}"`,
    10_000,
    from,
  );
}

export interface MachineState {
  stock: number[];
  dispenseLog: { vendId: number; channel: number; price: number; method: string }[];
}

export async function machineState(sim: SimulatorHandle, machine: number): Promise<MachineState> {
  const reply = await simulate(sim, `state ${machine}`);
  if (reply.type !== 'state') throw new Error(`state ${machine}: ${JSON.stringify(reply)}`);
  return reply.state as MachineState;
}

export interface TerminalHandle {
  proc: Proc;
  dir: string;
  env: Record<string, string>;
}

function terminalEnv(api: string, port: number, dir: string): Record<string, string> {
  return {
    VMCLOUD_API_URL: api,
    VMCLOUD_SERIAL_PATH: `tcp://127.0.0.1:${port}`,
    VMCLOUD_TERMINAL_DATA_DIR: dir,
    VMCLOUD_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
    VMCLOUD_OUTBOX_RETRY_MS: '200',
    VMCLOUD_OUTBOX_RETRY_MAX_MS: '1000',
    VMCLOUD_QR_POLL_MS: '500',
    VMCLOUD_LOG_UPLOAD_SECONDS: '2',
  };
}

/** Runs `--activate CODE` to its end, then starts the terminal and waits until it sells. */
export async function startTerminal(api: string, port: number, dir: string, code: string): Promise<TerminalHandle> {
  const env = terminalEnv(api, port, dir);
  const activation = new Proc('terminal --activate', ['apps/terminal/dist/main.js', '--activate', code], env);
  const exit = await activation.exited;
  if (exit !== 0) throw new Error(`activation failed (${exit}):\n${activation.tail()}`);
  return runTerminal({ dir, env });
}

/** (Re)starts an activated terminal and waits for it to be up. */
export async function runTerminal(t: Pick<TerminalHandle, 'dir' | 'env'>): Promise<TerminalHandle> {
  const proc = new Proc(`terminal ${t.dir}`, ['apps/terminal/dist/main.js'], t.env);
  await proc.waitFor((l) => l.type === 'terminal_started', 'the terminal started', 30_000);
  return { proc, dir: t.dir, env: t.env };
}

export interface FleetMachine {
  index: number;
  machineId: string;
  boardId: string;
  /** Channel number -> id, price and stock as set up. */
  channels: { number: number; id: string; productId: string; price: number; stock: number }[];
  terminal: TerminalHandle;
}

export interface World {
  dir: string;
  /** The API as last started (tests stop and start it again on the same port). */
  api: ApiHandle;
  /** Stops `proc` with the world. */
  adopt(proc: Proc): void;
  sim: SimulatorHandle;
  admin: Client;
  machines: FleetMachine[];
  close(): Promise<void>;
}

interface ChannelRow {
  id: string;
  number: number;
  productId: string | null;
}

/**
 * A world of `count` machines SIM000001..: built by the manufacturer as VMC-C20 (4 trays of
 * 5, capacity 10), sold to the demo operator, assigned to field worker staff1, channels
 * 1..`stocked` given a product from staff1's inventory and restocked with `perChannel`
 * (on the platform and, physically, in the simulator), then activated.
 */
export async function startWorld(
  name: string,
  count: number,
  options: { stocked?: number; perChannel?: number; simulatorArgs?: string[]; spare?: number } = {},
): Promise<World> {
  const scratch = scratchDir(name);
  const stocked = options.stocked ?? 3;
  const perChannel = options.perChannel ?? 5;
  const procs: Proc[] = [];
  const close = async () => {
    await Promise.all(procs.map((p) => p.stop()));
    scratch.remove();
  };
  try {
    const api = await startApi(scratch.path);
    procs.push(api.proc);
    const sim = await startSimulator(count, options.simulatorArgs);
    procs.push(sim.proc);
    const maker = await signIn(api.url, MANUFACTURER, 'admin');
    const admin = await signIn(api.url, DEMO_OPERATOR, 'admin');
    const staff = await signIn(api.url, DEMO_OPERATOR, 'staff1');
    const types = await query<{ id: string; model: string }[]>(maker, 'factory.machineTypes.list');
    const type = types.find((t) => t.model === 'VMC-C20');
    if (!type) throw new Error('no VMC-C20 type in the demo');
    const tenants = await query<{ items: { id: string; code: string }[] }>(maker, 'tenants.list', { search: 'Demo' });
    const operator = tenants.items.find((t) => t.code === DEMO_OPERATOR);
    if (!operator) throw new Error('no demo operator');
    // The warehouse issues staff1 what the fleet needs: a shipment requested, approved and shipped.
    const catalog = await query<{ items: { id: string; price: number; status: string }[] }>(admin, 'products.list', {
      limit: 200,
      status: 'active',
    });
    const kinds = Math.min(stocked, 6, catalog.items.length);
    const products = catalog.items.slice(0, kinds).map((p) => p.id);
    const need = perChannel * count * Math.ceil(stocked / kinds) + (options.spare ?? 0);
    const shipment = await mutate<{ id: string }>(staff, 'shipments.request', {
      items: products.map((productId) => ({ productId, quantity: need })),
    });
    const warehouse = await signIn(api.url, DEMO_OPERATOR, 'stock');
    await mutate(warehouse, 'shipments.approve', { shipmentId: shipment.id });
    await mutate(warehouse, 'shipments.ship', { shipmentId: shipment.id });
    const machines: FleetMachine[] = [];
    for (let i = 1; i <= count; i++) {
      const boardId = `SIM${String(i).padStart(6, '0')}`;
      const built = await mutate<{ id: string }>(maker, 'factory.machines.add', {
        boardId,
        typeId: type.id,
        price: 300_000,
      });
      await mutate(maker, 'factory.machines.sell', { machineId: built.id, operatorId: operator.id });
      await mutate(admin, 'machines.assignStaff', { machineId: built.id, staffId: staff.userId });
      const rows = await query<ChannelRow[]>(admin, 'channels.list', { machineId: built.id });
      const channels: FleetMachine['channels'] = [];
      for (const row of rows.filter((r) => r.number <= stocked)) {
        const productId = products[(row.number - 1) % products.length] as string;
        await mutate(admin, 'channels.setProduct', { channelId: row.id, productId });
        await mutate(staff, 'restocks.create', {
          machineId: built.id,
          channelId: row.id,
          productId,
          quantity: perChannel,
        });
        await simulate(sim, `restock ${i} ${row.number} ${perChannel}`);
        const price = catalog.items.find((p) => p.id === productId)?.price ?? 0;
        channels.push({ number: row.number, id: row.id, productId, price, stock: perChannel });
      }
      const { code } = await mutate<{ code: string }>(admin, 'machines.issueActivationCode', { machineId: built.id });
      const terminal = await startTerminal(
        api.url,
        sim.ports[i - 1] as number,
        join(scratch.path, `terminal-${i}`),
        code,
      );
      procs.push(terminal.proc);
      machines.push({ index: i, machineId: built.id, boardId, channels, terminal });
    }
    return {
      dir: scratch.path,
      api,
      adopt: (proc) => procs.push(proc),
      sim,
      admin,
      machines,
      close: async () => {
        for (const m of machines) if (!procs.includes(m.terminal.proc)) procs.push(m.terminal.proc);
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The `index`th item, which the test knows is there (an Error naming it if not). */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} of ${items.length}`);
  return item;
}

import { createHash } from 'node:crypto';
import {
  CreditSource,
  EventCode,
  FrameParser,
  Link,
  StatusErrorBit,
  VendResult,
  createLinePair,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  type ByteTransport,
  type LineEnd,
  type Message,
  type MessageOf,
  type ReceivedFrame,
  type SendOutcome,
} from '@vmcloud/protocol';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MachineUnavailableError,
  VendOutcomeUnknownError,
  vendIdForSale,
  type MachineDriverEvents,
  type VendOutcome,
} from './driver.js';
import { SerialProtocolDriver, type SerialProtocolDriverOptions } from './serial-protocol-driver.js';

const HELLO: MessageOf<'HELLO'> = { type: 'HELLO', version: 1, boardId: 'FAKE0001', firmware: 'T-1', channelCount: 4 };
const STATUS: MessageOf<'STATUS'> = {
  type: 'STATUS',
  doorOpen: false,
  temperature: 45,
  cooling: true,
  errors: 0,
  credit: 0,
};

/**
 * A controller board reduced to a Link and a script: what it answers to each message is up
 * to the test; everything it receives is kept.
 */
class FakeVmc {
  readonly link: Link;
  readonly received: { message: Message; frame: ReceivedFrame }[] = [];
  onMessage: (message: Message, frame: ReceivedFrame) => void = () => undefined;
  readonly #line: LineEnd;
  readonly #sends: Promise<SendOutcome>[] = [];

  constructor(line: LineEnd) {
    this.#line = line;
    this.link = new Link(line, { ackTimeoutMs: 30 });
    this.link.on('message', (message, frame) => {
      this.received.push({ message, frame });
      this.onMessage(message, frame);
    });
  }

  all<N extends Message['type']>(type: N): MessageOf<N>[] {
    return this.received.map(({ message }) => message).filter((m): m is MessageOf<N> => m.type === type);
  }

  send(message: Message, inReplyTo?: ReceivedFrame): void {
    this.#sends.push(this.link.send(message, inReplyTo ? { inReplyTo } : {}));
  }

  /** Resolves once every message sent so far is ACKed by the terminal (or given up). */
  async settled(): Promise<void> {
    await Promise.all(this.#sends);
  }

  /** Bytes the board has written to the line so far (its frames and ACKs). */
  written(): number {
    return this.#line.counts.bytes;
  }

  /** Answers POLL with STATUS and RESET with HELLO. */
  answerBasics(message: Message, frame: ReceivedFrame): void {
    if (message.type === 'POLL') this.send(STATUS, frame);
    if (message.type === 'RESET') this.send(HELLO);
  }
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  driver: SerialProtocolDriver;
  vmc: FakeVmc;
  /** The terminal's end of the line. */
  line: LineEnd;
  /** Bytes that have reached the terminal and been read by its driver. */
  received: () => number;
}

function setup(options: SerialProtocolDriverOptions = {}): Setup {
  const { a, b } = createLinePair({ seed: 3 });
  const vmc = new FakeVmc(b);
  const driver = new SerialProtocolDriver(a, {
    link: { ackTimeoutMs: 30 },
    helloTimeoutMs: 150,
    openTimeoutMs: 1500,
    requestTimeoutMs: 300,
    pollIntervalMs: 0,
    retryDelayMs: 20,
    vendResultTimeoutMs: 200,
    ...options,
  });
  // Listening after the driver: a chunk is counted once the driver has read it.
  let received = 0;
  a.on('data', (chunk) => {
    received += chunk.length;
  });
  cleanups.push(() => driver.close());
  cleanups.push(() => vmc.link.close());
  return { driver, vmc, line: a, received: () => received };
}

/** Opens the driver on a board that says HELLO at once. */
async function opened(options: SerialProtocolDriverOptions = {}): Promise<Setup> {
  const made = setup(options);
  made.vmc.onMessage = (message, frame) => made.vmc.answerBasics(message, frame);
  made.vmc.send(HELLO);
  await made.driver.open();
  return made;
}

function record<E extends keyof MachineDriverEvents>(driver: SerialProtocolDriver, event: E): MachineDriverEvents[E][] {
  const seen: MachineDriverEvents[E][] = [];
  driver.on(event, (payload) => seen.push(payload));
  return seen;
}

const INFO = { boardId: 'FAKE0001', firmware: 'T-1', channelCount: 4, protocolVersion: 1 };

describe('SerialProtocolDriver.open', () => {
  it('takes the HELLO the board sends', async () => {
    const { driver, vmc } = setup();
    const hellos = record(driver, 'hello');
    vmc.onMessage = (message, frame) => vmc.answerBasics(message, frame);
    vmc.send(HELLO);
    await expect(driver.open()).resolves.toEqual(INFO);
    expect(hellos).toEqual([INFO]);
    expect(driver.info).toEqual(INFO);
    expect(vmc.all('RESET')).toHaveLength(0);
  });

  it('restarts a board that said HELLO before the terminal came, to learn who it is', async () => {
    const { driver, vmc } = setup();
    vmc.onMessage = (message, frame) => vmc.answerBasics(message, frame);
    await expect(driver.open()).resolves.toEqual(INFO);
    expect(vmc.received.map(({ message }) => message.type)).toEqual(['POLL', 'RESET']);
  });

  it('does not restart a board it already knows, when the board answers', async () => {
    const { driver, vmc } = setup({ machine: INFO });
    vmc.onMessage = (message, frame) => vmc.answerBasics(message, frame);
    await expect(driver.open()).resolves.toEqual(INFO);
    expect(vmc.all('RESET')).toHaveLength(0);
  });

  it('rejects when nothing answers', async () => {
    const { driver } = setup({ openTimeoutMs: 400 });
    await expect(driver.open()).rejects.toBeInstanceOf(MachineUnavailableError);
  });
});

describe('SerialProtocolDriver.vend', () => {
  it('sends VEND with the sale fields and resolves with the VEND_RESULT of that vendId, once', async () => {
    const { driver, vmc } = await opened();
    const results = record(driver, 'vend_result');
    vmc.onMessage = (message) => {
      if (message.type !== 'VEND') return;
      // Another vend's result first, then this one's twice.
      vmc.send({ type: 'VEND_RESULT', vendId: 1, channel: 1, result: VendResult.OK, credit: 0 });
      vmc.send({
        type: 'VEND_RESULT',
        vendId: message.vendId,
        channel: message.channel,
        result: VendResult.OK,
        credit: 50,
      });
      vmc.send({
        type: 'VEND_RESULT',
        vendId: message.vendId,
        channel: message.channel,
        result: VendResult.OK,
        credit: 50,
      });
    };
    const outcome = await driver.vend({ vendId: 99, channel: 2, price: 150, method: 'cash' });
    expect(outcome).toEqual({ vendId: 99, channel: 2, result: 'ok', dispensed: true, credit: 50 });
    expect(vmc.all('VEND')).toEqual([{ type: 'VEND', vendId: 99, channel: 2, price: 150, method: 1 }]);
    // The terminal ACKs a frame as it reads it: once all three results are ACKed, it has reported them.
    await vmc.settled();
    expect(results.map((result) => result.vendId)).toEqual([1, 99]);
  });

  it('maps every payment method and result', async () => {
    const { driver, vmc } = await opened();
    const codes = [
      [VendResult.JAM, 'jam'],
      [VendResult.EMPTY, 'empty'],
      [VendResult.INVALID_CHANNEL, 'invalid_channel'],
      [VendResult.INSUFFICIENT_CREDIT, 'insufficient_credit'],
      [VendResult.CASHLESS_DENIED, 'card_denied'],
      [VendResult.DOOR_OPEN, 'door_open'],
      [VendResult.ID_CONFLICT, 'id_conflict'],
    ] as const;
    vmc.onMessage = (message) => {
      if (message.type !== 'VEND') return;
      const code = codes[message.vendId]?.[0] ?? VendResult.OK;
      vmc.send({ type: 'VEND_RESULT', vendId: message.vendId, channel: message.channel, result: code, credit: 0 });
    };
    const methods = ['host_paid', 'cash', 'card', 'free'] as const;
    for (const [index, [, name]] of codes.entries()) {
      const outcome = await driver.vend({ vendId: index, channel: 1, price: 10, method: methods[index % 4] ?? 'free' });
      expect(outcome).toMatchObject({ result: name, dispensed: false });
    }
    expect(vmc.all('VEND').map((vend) => vend.method)).toEqual([0, 1, 2, 3, 0, 1, 2]);
  });

  it('asks again with the same vendId in a new frame when no result comes', async () => {
    const { driver, vmc } = await opened();
    let asked = 0;
    vmc.onMessage = (message) => {
      if (message.type !== 'VEND') return;
      asked += 1;
      if (asked === 2) {
        vmc.send({
          type: 'VEND_RESULT',
          vendId: message.vendId,
          channel: message.channel,
          result: VendResult.OK,
          credit: 0,
        });
      }
    };
    await expect(driver.vend({ vendId: 5, channel: 3, price: 100, method: 'host_paid' })).resolves.toMatchObject({
      result: 'ok',
    });
    const frames = vmc.received.filter(({ message }) => message.type === 'VEND');
    expect(frames).toHaveLength(2);
    expect(frames.map(({ message }) => message)).toEqual([frames[0]?.message, frames[0]?.message]);
    expect(frames[1]?.frame.seq).not.toBe(frames[0]?.frame.seq);
  });

  it('keeps asking while the board answers BUSY for it, and takes the final result', async () => {
    const { driver, vmc } = await opened();
    let asked = 0;
    vmc.onMessage = (message) => {
      if (message.type !== 'VEND') return;
      asked += 1;
      const result = asked < 3 ? VendResult.BUSY : VendResult.OK;
      vmc.send({ type: 'VEND_RESULT', vendId: message.vendId, channel: message.channel, result, credit: 0 });
    };
    await expect(driver.vend({ vendId: 6, channel: 1, price: 0, method: 'free' })).resolves.toMatchObject({
      result: 'ok',
    });
    expect(asked).toBe(3);
  });

  it('asks again at once when the board reboots, and reports the reboot', async () => {
    const { driver, vmc, received } = await opened({ vendResultTimeoutMs: 10_000 });
    const reboots = record(driver, 'rebooted');
    let asked = 0;
    vmc.onMessage = (message) => {
      if (message.type !== 'VEND') return;
      asked += 1;
      if (asked === 1) {
        // The board reboots once the terminal has read its ACK of this VEND (written before this
        // runs), so that the terminal is waiting for the result when the HELLO comes.
        const ackEnd = vmc.written();
        void until(() => received() >= ackEnd, { what: 'the ACK of the VEND at the terminal' }).then(() =>
          vmc.send(HELLO),
        );
      } else {
        vmc.send({
          type: 'VEND_RESULT',
          vendId: message.vendId,
          channel: message.channel,
          result: VendResult.OK,
          credit: 0,
        });
      }
    };
    const started = Date.now();
    await expect(driver.vend({ vendId: 8, channel: 1, price: 0, method: 'free' })).resolves.toMatchObject({
      result: 'ok',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(asked).toBe(2);
    expect(reboots).toEqual([INFO]);
  });

  it('rejects with an unknown outcome, naming the vendId to retry with, when the board stays silent', async () => {
    const { driver, vmc } = await opened({ vendTimeoutMs: 400 });
    const downs = record(driver, 'link_down');
    vmc.link.close();
    const failure = driver.vend({ vendId: 31337, channel: 1, price: 100, method: 'host_paid' });
    await expect(failure).rejects.toBeInstanceOf(VendOutcomeUnknownError);
    await expect(failure).rejects.toThrow(/retry with the same vendId 31337/i);
    expect(downs).toEqual([{ undelivered: 'VEND' }]);
  });

  it('rejects vends still waiting when closed, as of unknown outcome', async () => {
    const { driver } = await opened({ vendTimeoutMs: 10_000 });
    const waiting = driver.vend({ vendId: 12, channel: 1, price: 0, method: 'free' });
    const error = waiting.catch((reason: unknown) => reason);
    await driver.close();
    expect(await error).toBeInstanceOf(VendOutcomeUnknownError);
  });

  it('refuses fields that do not fit the protocol before sending anything', async () => {
    const { driver, vmc } = await opened();
    await expect(driver.vend({ vendId: -1, channel: 1, price: 0, method: 'free' })).rejects.toThrow(RangeError);
    await expect(driver.vend({ vendId: 1, channel: 70_000, price: 0, method: 'free' })).rejects.toThrow(RangeError);
    expect(vmc.all('VEND')).toHaveLength(0);
  });
});

describe('SerialProtocolDriver requests and reports', () => {
  it('polls, pays out, sets accept flags and the temperature', async () => {
    const { driver, vmc } = await opened();
    vmc.onMessage = (message, frame) => {
      if (message.type === 'POLL') {
        vmc.send(
          {
            ...STATUS,
            doorOpen: true,
            errors: (1 << StatusErrorBit.COIN_CHANGER) | (1 << StatusErrorBit.MOTOR_POWER),
            credit: 250,
          },
          frame,
        );
      }
      if (message.type === 'PAYOUT') vmc.send({ type: 'PAYOUT_RESULT', paid: 200, remaining: 50 }, frame);
    };
    await expect(driver.poll()).resolves.toEqual({
      doorOpen: true,
      temperature: 45,
      cooling: true,
      credit: 250,
      errors: {
        coinChanger: true,
        billValidator: false,
        cashlessReader: false,
        temperatureSensor: false,
        dropSensor: false,
        motorPower: true,
      },
    });
    await expect(driver.payout()).resolves.toEqual({ paid: 200, remaining: 50 });
    await driver.setAccept({ coins: true, bills: false, cashless: true });
    await driver.setTemperature(-15);
    expect(vmc.all('SET_ACCEPT')).toEqual([{ type: 'SET_ACCEPT', coins: true, bills: false, cashless: true }]);
    expect(vmc.all('SET_TEMP')).toEqual([{ type: 'SET_TEMP', target: -15 }]);
  });

  it('passes credit, buttons and machine events on in its own words', async () => {
    const { driver, vmc } = await opened();
    const credits = record(driver, 'credit');
    const selections = record(driver, 'selection');
    const events = record(driver, 'event');
    vmc.send({ type: 'CREDIT', source: CreditSource.COIN, amount: 100, credit: 100 });
    vmc.send({ type: 'CREDIT', source: CreditSource.BILL, amount: 500, credit: 600 });
    vmc.send({ type: 'CREDIT', source: CreditSource.CASHLESS, amount: 2000, credit: 2600 });
    vmc.send({ type: 'SELECTION', channel: 3 });
    const codes: [number, number][] = [
      [EventCode.DOOR_OPENED, 0],
      [EventCode.DOOR_CLOSED, 0],
      [EventCode.TEMPERATURE_ALARM, 123],
      [EventCode.POWER_RESTORED, 0],
      [EventCode.BILL_STACKER_FULL, 500],
      [EventCode.COIN_TUBE_LOW, 50],
      [EventCode.MOTOR_FAULT, 4],
      [EventCode.COIN_RETURNED, 150],
      [99, -7],
    ];
    for (const [code, value] of codes) vmc.send({ type: 'EVENT', code, value });
    await until(() => events.length === codes.length);
    expect(credits).toEqual([
      { source: 'coin', amount: 100, credit: 100 },
      { source: 'bill', amount: 500, credit: 600 },
      { source: 'card', amount: 2000, credit: 2600 },
    ]);
    expect(selections).toEqual([{ channel: 3 }]);
    expect(events).toEqual([
      { type: 'door_opened' },
      { type: 'door_closed' },
      { type: 'temperature_alarm', temperature: 123 },
      { type: 'power_restored' },
      { type: 'bill_stacker_full' },
      { type: 'coin_tube_low', value: 50 },
      { type: 'motor_fault', channel: 4 },
      { type: 'coin_returned', amount: 150 },
      { type: 'unknown', code: 99, value: -7 },
    ]);
  });

  it('polls on its own once open, and reports the link down and up again', async () => {
    // An ACK timeout long enough that a busy machine does not cut the link before the test does.
    const { driver, line } = await opened({ pollIntervalMs: 50, link: { ackTimeoutMs: 250, maxRetransmissions: 1 } });
    const statuses = record(driver, 'status');
    const downs = record(driver, 'link_down');
    const ups = record(driver, 'link_up');
    await until(() => statuses.length >= 2);
    // The cable is cut: nothing the terminal writes arrives.
    line.noise = { drop: 1 };
    await until(() => downs.length === 1);
    expect(downs).toEqual([{ undelivered: 'POLL' }]);
    expect(ups).toHaveLength(0);
    const before = statuses.length;
    line.noise = {};
    await until(() => ups.length === 1);
    await until(() => statuses.length > before);
    expect(downs).toHaveLength(1);
  });
});

describe('vendIdForSale', () => {
  it('derives the same 32-bit vendId from the same sale, and different ones from different sales', () => {
    const expected = createHash('sha256').update('order-2026-000123').digest().readUInt32BE(0);
    expect(vendIdForSale('order-2026-000123')).toBe(expected);
    expect(vendIdForSale('order-2026-000123')).toBe(vendIdForSale('order-2026-000123'));
    expect(vendIdForSale('order-2026-000124')).not.toBe(vendIdForSale('order-2026-000123'));
    const id = vendIdForSale('cash-sale-7');
    expect(Number.isInteger(id) && id >= 0 && id <= 0xffffffff).toBe(true);
    expect(() => vendIdForSale('')).toThrow(RangeError);
  });
});

/**
 * A line in memory whose far end the test writes by hand, chunk by chunk, so that two frames
 * can reach the driver in one chunk, as a serial port may deliver them.
 */
class HandLine implements ByteTransport {
  readonly #listeners = new Set<(chunk: Uint8Array) => void>();
  readonly #parser = new FrameParser();
  /** The driver's frames, decoded, in order. */
  readonly frames: { seq: number; message: Message }[] = [];

  write(chunk: Uint8Array): void {
    for (const result of this.#parser.push(chunk)) {
      if (!result.ok) continue;
      const decoded = decodeMessage(result.frame.type, result.frame.data);
      if (decoded.ok) this.frames.push({ seq: result.frame.seq, message: decoded.message });
    }
  }

  on(_event: 'data', listener: (chunk: Uint8Array) => void): void {
    this.#listeners.add(listener);
  }

  off(_event: 'data', listener: (chunk: Uint8Array) => void): void {
    this.#listeners.delete(listener);
  }

  /** The board's frames, back to back in one chunk. */
  deliver(...frames: { seq: number; message: Message }[]): void {
    const bytes = frames.flatMap(({ seq, message }) => {
      const { type, data } = encodeMessage(message);
      return [...encodeFrame({ type, seq, data })];
    });
    for (const listener of [...this.#listeners]) listener(Uint8Array.from(bytes));
  }

  /** The VEND frames, each once (a retransmission has the same SEQ). */
  vends(): { seq: number; message: Message }[] {
    const vends = this.frames.filter((frame) => frame.message.type === 'VEND');
    return vends.filter((frame, index) => vends.findIndex((other) => other.seq === frame.seq) === index);
  }
}

describe("SerialProtocolDriver.vend, a wake in the same chunk as the VEND's ACK", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function firstVend(): Promise<{
    line: HandLine;
    driver: SerialProtocolDriver;
    outcome: Promise<VendOutcome>;
    seq: number;
  }> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const line = new HandLine();
    const driver = new SerialProtocolDriver(line, {
      pollIntervalMs: 0,
      vendResultTimeoutMs: 15_000,
      vendTimeoutMs: 60_000,
      retryDelayMs: 500,
    });
    cleanups.push(() => driver.close());
    const outcome = driver.vend({ vendId: 0x51, channel: 2, price: 0, method: 'free' });
    // Closing the driver at the end of a failed test rejects the vend: not a second failure.
    outcome.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    const [vend] = line.vends();
    if (vend === undefined) throw new Error('no VEND was sent');
    return { line, driver, outcome, seq: vend.seq };
  }

  it('asks again at once after a HELLO that came with the ACK, not after the 15 s result wait', async () => {
    const { line, outcome, seq } = await firstVend();
    // The board ACKs the VEND, then reboots and says HELLO: both in one chunk.
    line.deliver({ seq, message: { type: 'ACK' } }, { seq: 0x7000, message: HELLO });
    await vi.advanceTimersByTimeAsync(1000);
    const vends = line.vends();
    expect(vends).toHaveLength(2);
    const again = vends[1];
    if (again === undefined) throw new Error('no second VEND');
    expect(again.message).toEqual(vends[0]?.message);
    expect(again.seq).not.toBe(seq);
    line.deliver(
      { seq: again.seq, message: { type: 'ACK' } },
      {
        seq: 0x7001,
        message: { type: 'VEND_RESULT', vendId: 0x51, channel: 2, result: VendResult.OK, credit: 0 },
      },
    );
    await expect(outcome).resolves.toMatchObject({ vendId: 0x51, result: 'ok', dispensed: true });
  });

  it("asks again at once when the ACK that brings the link back up is the VEND's own", async () => {
    const { line, driver, outcome } = await firstVend();
    const downs = record(driver, 'link_down');
    const ups = record(driver, 'link_up');
    // Nothing answers: four transmissions, the VEND undelivered and the link down; then the short pause.
    await vi.advanceTimersByTimeAsync(800);
    expect(downs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    const second = line.vends()[1];
    if (second === undefined) throw new Error('no second VEND');
    // Its ACK brings the link up: what the board did meanwhile is unknown, so the driver asks again.
    line.deliver({ seq: second.seq, message: { type: 'ACK' } });
    await vi.advanceTimersByTimeAsync(100);
    expect(ups).toHaveLength(1);
    const third = line.vends()[2];
    if (third === undefined) throw new Error('no third VEND');
    line.deliver(
      { seq: third.seq, message: { type: 'ACK' } },
      {
        seq: 0x7001,
        message: { type: 'VEND_RESULT', vendId: 0x51, channel: 2, result: VendResult.OK, credit: 0 },
      },
    );
    await expect(outcome).resolves.toMatchObject({ result: 'ok' });
  });

  it('asks again after the short busy pause when BUSY came with the ACK', async () => {
    const { line, outcome, seq } = await firstVend();
    line.deliver(
      { seq, message: { type: 'ACK' } },
      {
        seq: 0x7000,
        message: { type: 'VEND_RESULT', vendId: 0x51, channel: 2, result: VendResult.BUSY, credit: 0 },
      },
    );
    await vi.advanceTimersByTimeAsync(499);
    expect(line.vends()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(501);
    const vends = line.vends();
    expect(vends).toHaveLength(2);
    const again = vends[1];
    if (again === undefined) throw new Error('no second VEND');
    line.deliver(
      { seq: again.seq, message: { type: 'ACK' } },
      {
        seq: 0x7001,
        message: { type: 'VEND_RESULT', vendId: 0x51, channel: 2, result: VendResult.OK, credit: 0 },
      },
    );
    await expect(outcome).resolves.toMatchObject({ result: 'ok' });
  });
});

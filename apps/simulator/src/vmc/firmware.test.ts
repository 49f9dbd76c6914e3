import { createLinePair, decodeFrame, EventCode, toHex, VendResult } from '@vmcloud/protocol';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Machine } from '../machine/machine.js';
import { Nvram } from '../machine/nvram.js';
import { VirtualClock } from '../machine/virtual-clock.js';
import { BillValidator } from '../mdb/bill-validator.js';
import { MdbBus } from '../mdb/bus.js';
import { CashlessReader } from '../mdb/cashless-reader.js';
import { CoinChanger } from '../mdb/coin-changer.js';
import { TestHost } from '../testing/host.js';
import { VmcFirmware } from './firmware.js';

const FIRST_SEQ = 0x01020304;

/** A board in a 6-channel machine, wired to a host over an in-memory serial line. */
function board(options: { nvram?: Nvram } = {}) {
  const nvram = options.nvram ?? new Nvram();
  const machine = new Machine({ boardId: 'VMC-TEST-0001', channels: 6, dispenseMs: 0, temperature: 40, nvram });
  const clock = new VirtualClock();
  const timers = { schedule: (delayMs: number, run: () => void) => clock.schedule(delayMs, run) };
  const changer = new CoinChanger({
    coinTypes: [
      { value: 50, tube: { capacity: 50, count: 20 } },
      { value: 100, tube: { capacity: 50, count: 20 } },
    ],
  });
  const bus = new MdbBus([changer, new BillValidator({ billTypes: [500, 1000] }), new CashlessReader()], { timers });
  const { a, b } = createLinePair({ seed: 11 });
  const host = new TestHost(a);
  const firmware = new VmcFirmware({ machine, bus, transport: b, timers, link: { initialSeq: FIRST_SEQ } });
  const advance = (ms: number): void => {
    machine.tick(ms);
    clock.advance(ms);
  };
  return { machine, bus, changer, host, firmware, nvram, advance, line: b };
}

let open: { host: TestHost; firmware: VmcFirmware }[] = [];

function track<T extends { host: TestHost; firmware: VmcFirmware }>(fixture: T): T {
  open.push(fixture);
  return fixture;
}

afterEach(() => {
  for (const { host, firmware } of open) {
    firmware.halt('shutdown');
    host.close();
  }
  open = [];
});

describe('VmcFirmware boot', () => {
  it('sends HELLO at boot: version 1, board id, firmware, channel count (0x06 escaped)', async () => {
    const { host } = track(board());
    await host.next('HELLO');
    expect(toHex(host.bytes.slice(0, 37))).toBe(
      '06 46 01 02 03 04 01 56 4d 43 2d 54 45 53 54 2d 30 30 30 31 00 00 00 53 49 4d 2d 31 2e 30 00 00 10 06 61 3e 07',
    );
    expect(host.all('HELLO')).toEqual([
      { type: 'HELLO', version: 1, boardId: 'VMC-TEST-0001', firmware: 'SIM-1.0', channelCount: 6 },
    ]);
  });

  it('resets and sets up the MDB devices at boot', async () => {
    const { bus, host } = track(board());
    await host.next('HELLO');
    const commands = bus.traffic
      .filter((entry) => entry.direction === 'vmc_to_peripheral')
      .map((entry) => entry.summary);
    expect(commands.slice(0, 2)).toEqual(['RESET', 'POLL']);
    expect(commands).toContain('SETUP');
    expect(commands).toContain('READER_ENABLE');
    expect(bus.devices.coinChanger?.coinValues.slice(0, 2)).toEqual([50, 100]);
  });

  it('restarts on RESET: HELLO again with a new SEQ, no power restored event', async () => {
    const { host, firmware } = track(board());
    const first = await host.next('HELLO');
    await host.send({ type: 'RESET' });
    const second = await host.next('HELLO');
    expect(second.frame.seq).not.toBe(first.frame.seq);
    expect(firmware.running).toBe(true);
    expect(host.all('EVENT')).toEqual([]);
  });
});

describe('VmcFirmware POLL', () => {
  it('answers POLL with STATUS', async () => {
    const { host, machine } = track(board());
    await host.next('HELLO');
    await host.send({ type: 'POLL' });
    const { message, frame } = await host.next('STATUS');
    expect(message).toEqual({
      type: 'STATUS',
      doorOpen: false,
      temperature: 40,
      cooling: machine.state().refrigeration.compressor,
      errors: 0,
      credit: 0,
    });
    // DATA: door 00, temperature 00 28, cooling, errors 00 00, credit 00 00 00 00.
    expect(toHex(frame.data)).toBe(`00 00 28 0${Number(message.cooling)} 00 00 00 00 00 00`);
  });

  it('repeats the same STATUS frame, without acting again, when the same POLL frame comes again', async () => {
    const fixture = track(board());
    const { host, firmware } = fixture;
    await host.next('HELLO');
    // A host whose ACKs are lost: it sends POLL SEQ 0 by hand and never ACKs the STATUS.
    host.link.close();
    const received: string[] = [];
    firmware.on('received', (event) => received.push(event.message.type));
    // 06 | TYPE 10 (escaped) | SEQ 00 00 00 00 | CHK 10 00 (escaped) | 07
    const poll = Uint8Array.from([0x06, 0x10, 0x10, 0x00, 0x00, 0x00, 0x00, 0x10, 0x10, 0x00, 0x07]);
    const start = host.bytes.length;
    host.writeRaw(poll);
    await until(() => host.bytes.length - start >= 9 + 19);
    const firstAnswer = host.bytes.slice(start);
    const ack = '06 01 00 00 00 00 01 00 07';
    expect(toHex(firstAnswer.slice(0, 9))).toBe(ack);
    const status = toHex(firstAnswer.slice(9));
    expect(status.startsWith('06 40 01 02 03 05 00 00 28')).toBe(true);

    const again = host.bytes.length;
    host.writeRaw(poll);
    await until(() => host.bytes.length - again >= firstAnswer.length);
    // The duplicate is ACKed and the very same STATUS frame (same SEQ) is sent again.
    expect(toHex(host.bytes.slice(again, again + 9))).toBe(ack);
    expect(toHex(host.bytes.slice(again + 9, again + firstAnswer.length))).toBe(status);
    expect(received).toEqual(['POLL']);
  });

  it('reports the open door and a faulty temperature sensor in STATUS', async () => {
    const { host, machine, advance } = track(board());
    await host.next('HELLO');
    machine.openDoor();
    machine.faults.temperatureSensor(true);
    await host.next('EVENT', (event) => event.code === 1);
    advance(100);
    await host.send({ type: 'POLL' });
    const { message } = await host.next('STATUS');
    expect(message.doorOpen).toBe(true);
    expect(message.temperature).toBe(-32768);
    expect(message.errors & (1 << 3)).toBe(1 << 3);
  });
});

describe('VmcFirmware VEND', () => {
  it('ACKs VEND, runs the motor and sends VEND_RESULT as a frame of its own', async () => {
    const { host, machine } = track(board());
    await host.next('HELLO');
    const sent = await host.send({ type: 'VEND', vendId: 0x1001, channel: 1, price: 0, method: 0 });
    expect(sent.delivered).toBe(true);
    const { message, frame } = await host.next('VEND_RESULT');
    expect(message).toEqual({ type: 'VEND_RESULT', vendId: 0x1001, channel: 1, result: VendResult.OK, credit: 0 });
    // Its own SEQ: the board's next after HELLO; vendId 00 00 10 01 has its 0x10 escaped.
    expect(frame.seq).toBe(FIRST_SEQ + 1);
    const start = host.bytes.findIndex((byte, i) => byte === 0x06 && host.bytes[i + 1] === 0x41);
    expect(toHex(host.bytes.slice(start, start + 24))).toBe(
      '06 41 01 02 03 05 00 00 10 10 01 00 01 00 00 00 00 00 46 12 07',
    );
    const decoded = decodeFrame(Uint8Array.from(host.bytes.slice(start, start + 21)));
    expect(decoded.ok).toBe(true);
    expect(machine.state().channels[0]?.stock).toBe(9);
    expect(machine.dispenseLog()).toHaveLength(1);
  });

  it('keeps the last 64 vends in NVRAM and forgets older ones', async () => {
    const { host, firmware } = track(board());
    await host.next('HELLO');
    for (let vendId = 1; vendId <= 66; vendId++) {
      await host.send({ type: 'VEND', vendId, channel: 99, price: 0, method: 0 });
      await host.next('VEND_RESULT', (result) => result.vendId === vendId);
    }
    const vends = firmware.vends();
    expect(vends).toHaveLength(64);
    expect(vends[0]?.vendId).toBe(3);
    expect(vends.every((vend) => vend.result === VendResult.INVALID_CHANNEL && vend.state === 'done')).toBe(true);
  });

  it('stops at a power cut without writing anything more, and the next board boots from the same NVRAM', async () => {
    const nvram = new Nvram();
    const first = track(board({ nvram }));
    await first.host.next('HELLO');
    const writes = nvram.writes;
    first.firmware.halt();
    expect(first.firmware.running).toBe(false);
    first.machine.pressButton(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(nvram.writes).toBe(writes);
    expect(first.host.all('SELECTION')).toEqual([]);

    const second = track(board({ nvram }));
    await second.host.next('HELLO');
    // The first board was running when it stopped: the second one reports power restored.
    const restored = await second.host.next('EVENT');
    expect(restored.message).toEqual({ type: 'EVENT', code: 4, value: 0 });
    await until(() => second.firmware.running);
  });
});

describe('VmcFirmware coin return lever', () => {
  it('pays the cash credit back from the tubes and reports EVENT coin returned; STATUS credit drops', async () => {
    const { host, firmware, changer, advance } = track(board());
    await host.next('HELLO');
    expect(changer.insertCoin(100)).toBe('tubes');
    expect(changer.insertCoin(50)).toBe('tubes');
    advance(100);
    await host.next('CREDIT', (credit) => credit.credit === 150);
    const returned: { paid: number; remaining: number }[] = [];
    firmware.on('coin_returned', ({ paid, remaining }) => returned.push({ paid, remaining }));

    changer.pressReturnLever();
    advance(100);
    const { message } = await host.next('EVENT', (event) => event.code === EventCode.COIN_RETURNED);
    expect(message).toEqual({ type: 'EVENT', code: EventCode.COIN_RETURNED, value: 150 });
    expect(returned).toEqual([{ paid: 150, remaining: 0 }]);
    expect(firmware.credit).toBe(0);
    expect(changer.state().dispensed.total).toBe(150);
    await host.send({ type: 'POLL' });
    expect((await host.next('STATUS')).message.credit).toBe(0);
  });

  it('keeps the credit and says nothing when the tubes cannot pay it back', async () => {
    const { host, firmware, changer, advance } = track(board());
    await host.next('HELLO');
    changer.insertCoin(100);
    advance(100);
    await host.next('CREDIT');
    changer.setTube(0, 0);
    changer.setTube(1, 0);

    changer.pressReturnLever();
    advance(100);
    // Another round of MDB polls, and a POLL whose STATUS comes after anything the lever caused.
    advance(100);
    await host.send({ type: 'POLL' });
    expect((await host.next('STATUS')).message.credit).toBe(100);
    expect(firmware.credit).toBe(100);
    // The empty tubes are reported low; nothing is reported returned.
    expect(host.all('EVENT').map((event) => event.code)).toEqual([EventCode.COIN_TUBE_LOW, EventCode.COIN_TUBE_LOW]);
    expect(changer.state().dispensed.total).toBe(0);
  });

  it('says nothing when there is no credit to give back', async () => {
    const { host, changer, advance } = track(board());
    await host.next('HELLO');
    changer.pressReturnLever();
    advance(100);
    advance(100);
    await host.send({ type: 'POLL' });
    expect((await host.next('STATUS')).message.credit).toBe(0);
    expect(host.all('EVENT')).toEqual([]);
  });
});

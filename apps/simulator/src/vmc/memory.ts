/**
 * What the VMC firmware keeps in the board's non-volatile memory: the last vends (the
 * exactly-once memory of docs/serial-protocol.md), the cash credit, the accept flags of the
 * payment devices, and whether the firmware was running when the power went.
 *
 * Everything lives under one NVRAM key and is rewritten whole on every change, so that a
 * power cut never leaves a vend recorded without the credit taken for it, or the other way
 * round (an NVRAM write is complete once the call returns).
 */

import type { Nvram } from '../machine/nvram.js';

/** How many vends the firmware remembers (docs/serial-protocol.md, "Exactly-once dispensing"). */
export const VEND_MEMORY_SIZE = 64;

/** The NVRAM key the firmware keeps its memory under. */
export const VMC_MEMORY_KEY = 'vmc';

/**
 * Where a remembered vend got to:
 * - `started`: recorded before the motor started; nothing has dropped (yet).
 * - `dropped`: the drop sensor saw the product fall; the result was not recorded yet.
 * - `done`: the result is known and recorded.
 */
export type VendRecordState = 'started' | 'dropped' | 'done';

/** One remembered vend. Money in fen. */
export interface VendRecord {
  vendId: number;
  channel: number;
  price: number;
  /** A VendMethod. */
  method: number;
  state: VendRecordState;
  /** The VEND_RESULT `result` (a VendResult), once `done`. */
  result: number | null;
  /** The VEND_RESULT `credit` sent with the result, once `done`. */
  credit: number | null;
  /** Cash credit taken for this vend (method 1) and not given back yet. */
  charged: number;
}

/** Which payment devices take money (SET_ACCEPT). */
export interface AcceptFlags {
  coins: boolean;
  bills: boolean;
  cashless: boolean;
}

/** The firmware's whole non-volatile memory. */
export interface VmcMemoryImage {
  version: 1;
  /** Cash credit held for the customer, fen. */
  credit: number;
  accept: AcceptFlags;
  /** Remembered vends, oldest first, at most {@link VEND_MEMORY_SIZE}. */
  vends: VendRecord[];
  /** Set while the firmware runs, cleared on a RESET: found set at boot, the power was lost. */
  running: boolean;
}

function emptyImage(): VmcMemoryImage {
  return { version: 1, credit: 0, accept: { coins: true, bills: true, cashless: true }, vends: [], running: false };
}

function copy(image: VmcMemoryImage): VmcMemoryImage {
  return { ...image, accept: { ...image.accept }, vends: image.vends.map((vend) => ({ ...vend })) };
}

/** The firmware's view of its NVRAM: read it whole, change it whole. */
export class VmcMemory {
  readonly #nvram: Nvram;

  constructor(nvram: Nvram) {
    this.#nvram = nvram;
  }

  /** The memory as stored (a copy); an empty memory on a new board. */
  read(): VmcMemoryImage {
    const stored = this.#nvram.getJson<VmcMemoryImage>(VMC_MEMORY_KEY);
    if (!stored || stored.version !== 1) return emptyImage();
    return copy({ ...emptyImage(), ...stored });
  }

  /** Applies `change` to a copy of the memory and writes it back in one NVRAM write. */
  update(change: (image: VmcMemoryImage) => void): VmcMemoryImage {
    const image = this.read();
    change(image);
    if (image.vends.length > VEND_MEMORY_SIZE) image.vends.splice(0, image.vends.length - VEND_MEMORY_SIZE);
    this.#nvram.setJson(VMC_MEMORY_KEY, image);
    return image;
  }

  /** The remembered vend with `vendId`, if any. */
  vend(vendId: number): VendRecord | undefined {
    return this.read().vends.find((vend) => vend.vendId === vendId);
  }
}

/** Changes the remembered vend with `vendId` in `image` (nothing if it is not there). */
export function updateVend(image: VmcMemoryImage, vendId: number, change: Partial<VendRecord>): void {
  const vend = image.vends.find((record) => record.vendId === vendId);
  if (vend) Object.assign(vend, change);
}

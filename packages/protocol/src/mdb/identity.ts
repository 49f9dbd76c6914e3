/**
 * The identity a VMC or peripheral gives in the EXPANSION identification exchanges:
 * manufacturer code, serial number, model and software version (29 bytes).
 */

import { ascii, readAscii, readU16, u16 } from './fields.js';

/** Length of the manufacturer code (ASCII). */
export const MDB_MANUFACTURER_LENGTH = 3;
/** Length of the serial number (ASCII). */
export const MDB_SERIAL_LENGTH = 12;
/** Length of the model / tuning revision (ASCII). */
export const MDB_MODEL_LENGTH = 12;
/** Length of an identity on the bus. */
export const MDB_IDENTITY_LENGTH = MDB_MANUFACTURER_LENGTH + MDB_SERIAL_LENGTH + MDB_MODEL_LENGTH + 2;

/** Identification of a VMC or peripheral. ASCII fields are sent space-padded. */
export interface MdbIdentity {
  /** 3 ASCII characters. */
  manufacturer: string;
  /** Up to 12 ASCII characters. */
  serial: string;
  /** Up to 12 ASCII characters. */
  model: string;
  /** Two bytes, packed BCD by convention (0x0102 is version 1.02). */
  softwareVersion: number;
}

/** The 29 bytes of an identity; throws RangeError on fields that do not fit or are not printable ASCII. */
export function encodeIdentity(fields: MdbIdentity): number[] {
  return [
    ...ascii('manufacturer', fields.manufacturer, MDB_MANUFACTURER_LENGTH),
    ...ascii('serial', fields.serial, MDB_SERIAL_LENGTH),
    ...ascii('model', fields.model, MDB_MODEL_LENGTH),
    ...u16('softwareVersion', fields.softwareVersion),
  ];
}

/**
 * Reads an identity starting at `at` (the caller has checked the length): NULs are read
 * as spaces and trailing spaces dropped. `undefined` if a text field holds a byte that is
 * neither printable ASCII nor NUL.
 */
export function readIdentity(bytes: Uint8Array, at: number): MdbIdentity | undefined {
  const manufacturer = readAscii(bytes, at, MDB_MANUFACTURER_LENGTH);
  const serial = readAscii(bytes, at + MDB_MANUFACTURER_LENGTH, MDB_SERIAL_LENGTH);
  const model = readAscii(bytes, at + MDB_MANUFACTURER_LENGTH + MDB_SERIAL_LENGTH, MDB_MODEL_LENGTH);
  if (manufacturer === undefined || serial === undefined || model === undefined) return undefined;
  return { manufacturer, serial, model, softwareVersion: readU16(bytes, at + MDB_IDENTITY_LENGTH - 2) };
}

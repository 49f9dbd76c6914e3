/**
 * Who this terminal is to the platform: its Ed25519 signing key (every call is signed with
 * it), its RSA sealing key (secrets are sealed to it), and, once activated, identity.json
 * (machineId, tenantId, keyId, the platform's public key). All in the data directory,
 * readable by the terminal's user only.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdOf, type ActivateRequest, type ActivateResponse } from '@vmcloud/protocol/device';
import type { MachineDriver, MachineInfo } from '../machine/driver.js';

export const SIGNING_KEY_FILE = 'signing-key.pem';
export const SEALING_KEY_FILE = 'sealing-key.pem';
export const IDENTITY_FILE = 'identity.json';

/** RSA modulus of the sealing key. */
export const SEALING_KEY_BITS = 3072;

export interface TerminalKeys {
  signingKey: KeyObject;
  sealingKey: KeyObject;
}

/** What identity.json holds. */
export interface IdentityFile {
  machineId: string;
  tenantId: string;
  keyId: string;
  /** SPKI PEM. */
  platformKey: string;
  boardId: string;
  activatedAt: string;
}

export interface Identity extends TerminalKeys {
  machineId: string;
  tenantId: string;
  keyId: string;
  platformKey: KeyObject;
  boardId: string;
}

export class IdentityError extends Error {
  override readonly name = 'IdentityError';
}

/** A fresh Ed25519 signing key and RSA-3072 sealing key (private halves). */
export function generateKeys(): TerminalKeys {
  return {
    signingKey: generateKeyPairSync('ed25519').privateKey,
    sealingKey: generateKeyPairSync('rsa', { modulusLength: SEALING_KEY_BITS }).privateKey,
  };
}

/** Writes a file readable by its owner only, whole or not at all. */
export function writePrivateFile(path: string, data: string): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, data, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

function pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function publicPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

export function saveKeys(dataDir: string, keys: TerminalKeys): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writePrivateFile(join(dataDir, SIGNING_KEY_FILE), pem(keys.signingKey));
  writePrivateFile(join(dataDir, SEALING_KEY_FILE), pem(keys.sealingKey));
}

function readKey(path: string): KeyObject {
  try {
    return createPrivateKey(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new IdentityError(`cannot read the key ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function isActivated(dataDir: string): boolean {
  return existsSync(join(dataDir, IDENTITY_FILE));
}

/** The terminal's identity, or undefined when it was never activated. Throws `IdentityError` on damaged files. */
export function loadIdentity(dataDir: string): Identity | undefined {
  const path = join(dataDir, IDENTITY_FILE);
  if (!existsSync(path)) return undefined;
  let file: IdentityFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as IdentityFile;
  } catch (error) {
    throw new IdentityError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const field of ['machineId', 'tenantId', 'keyId', 'platformKey'] as const) {
    if (typeof file[field] !== 'string' || file[field] === '') throw new IdentityError(`${path} has no ${field}`);
  }
  const signingKey = readKey(join(dataDir, SIGNING_KEY_FILE));
  const sealingKey = readKey(join(dataDir, SEALING_KEY_FILE));
  let platformKey: KeyObject;
  try {
    platformKey = createPublicKey(file.platformKey);
  } catch {
    throw new IdentityError(`${path}: platformKey is not a public key`);
  }
  if (keyIdOf(createPublicKey(signingKey)) !== file.keyId) {
    throw new IdentityError(`${path}: keyId does not match ${SIGNING_KEY_FILE}`);
  }
  return {
    machineId: file.machineId,
    tenantId: file.tenantId,
    keyId: file.keyId,
    platformKey,
    boardId: file.boardId,
    signingKey,
    sealingKey,
  };
}

export interface ActivateOptions {
  dataDir: string;
  driver: Pick<MachineDriver, 'open'>;
  activationCode: string;
  appVersion: string;
  /** Calls `device.activate` (unsigned). */
  activate: (request: ActivateRequest) => Promise<ActivateResponse>;
  /** Activate again over an existing identity. */
  force?: boolean;
  now?: () => Date;
}

/**
 * Activates this terminal: learns the machine's board id and channel count from its HELLO,
 * makes new keys, has the platform register them with the one-time code, and keeps the
 * identity it answers. Throws `IdentityError` (or the call's error) with a clear message.
 */
export async function activateTerminal(options: ActivateOptions): Promise<Identity & { machine: MachineInfo }> {
  if (!options.force && isActivated(options.dataDir)) {
    throw new IdentityError(
      `this terminal is already activated (${join(options.dataDir, IDENTITY_FILE)}); ` +
        'remove that file to activate it again',
    );
  }
  const code = options.activationCode.trim();
  if (code === '') throw new IdentityError('the activation code is empty');
  const machine = await options.driver.open();
  const keys = generateKeys();
  const signingPublic = publicPem(keys.signingKey);
  const answer = await options.activate({
    boardId: machine.boardId,
    activationCode: code,
    signingKey: signingPublic,
    sealingKey: publicPem(keys.sealingKey),
    channelCount: machine.channelCount,
    firmware: machine.firmware,
    appVersion: options.appVersion,
  });
  const keyId = keyIdOf(signingPublic);
  if (answer.keyId !== keyId) {
    throw new IdentityError(`the platform registered key ${String(answer.keyId)}, not this terminal's key ${keyId}`);
  }
  let platformKey: KeyObject;
  try {
    platformKey = createPublicKey(answer.platformKey);
  } catch {
    throw new IdentityError('the platform answered without a usable platform key');
  }
  saveKeys(options.dataDir, keys);
  const file: IdentityFile = {
    machineId: answer.machineId,
    tenantId: answer.tenantId,
    keyId,
    platformKey: answer.platformKey,
    boardId: machine.boardId,
    activatedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  writePrivateFile(join(options.dataDir, IDENTITY_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return {
    ...keys,
    machineId: file.machineId,
    tenantId: file.tenantId,
    keyId,
    platformKey,
    boardId: machine.boardId,
    machine,
  };
}

import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyIdOf, openSealed, seal, type ActivateRequest, type ActivateResponse } from '@vmcloud/protocol/device';
import { FakeDriver } from '../testing/fake-driver.js';
import { IDENTITY_FILE, SEALING_KEY_FILE, SIGNING_KEY_FILE, activateTerminal, loadIdentity } from './identity.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-identity-'));
  dirs.push(dir);
  return join(dir, 'terminal');
}

const platform = generateKeyPairSync('ed25519');
const platformPem = platform.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function platformActivate(requests: ActivateRequest[]) {
  return async (request: ActivateRequest): Promise<ActivateResponse> => {
    requests.push(request);
    return { machineId: 'm-1', tenantId: 't-1', keyId: keyIdOf(request.signingKey), platformKey: platformPem };
  };
}

describe('activateTerminal', () => {
  it('registers new keys with the machine’s board id and channel count and keeps the identity (files 0600)', async () => {
    const dir = dataDir();
    const requests: ActivateRequest[] = [];
    const driver = new FakeDriver({ boardId: 'BOARD42', channelCount: 8, firmware: 'F-2' });
    const identity = await activateTerminal({
      dataDir: dir,
      driver,
      activationCode: ' 123-456 ',
      appVersion: '0.1.0',
      activate: platformActivate(requests),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      boardId: 'BOARD42',
      activationCode: '123-456',
      channelCount: 8,
      firmware: 'F-2',
      appVersion: '0.1.0',
    });
    expect(createPublicKey(requests[0]?.signingKey ?? '').asymmetricKeyType).toBe('ed25519');
    const sealing = createPublicKey(requests[0]?.sealingKey ?? '');
    expect(sealing.asymmetricKeyType).toBe('rsa');
    expect(sealing.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(identity).toMatchObject({ machineId: 'm-1', tenantId: 't-1', boardId: 'BOARD42' });

    for (const file of [IDENTITY_FILE, SIGNING_KEY_FILE, SEALING_KEY_FILE]) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    const loaded = loadIdentity(dir);
    expect(loaded).toMatchObject({ machineId: 'm-1', tenantId: 't-1', keyId: keyIdOf(requests[0]?.signingKey ?? '') });
    // The sealing key opens what the platform seals to the key it was given.
    expect(openSealed(seal('1234', requests[0]?.sealingKey ?? ''), loaded?.sealingKey ?? '')).toBe('1234');
    expect(JSON.parse(readFileSync(join(dir, IDENTITY_FILE), 'utf8'))).toMatchObject({ platformKey: platformPem });
  });

  it('refuses to activate twice, and keeps nothing when the platform refuses the code', async () => {
    const dir = dataDir();
    const driver = new FakeDriver();
    await activateTerminal({
      dataDir: dir,
      driver,
      activationCode: 'A',
      appVersion: '0',
      activate: platformActivate([]),
    });
    await expect(
      activateTerminal({ dataDir: dir, driver, activationCode: 'B', appVersion: '0', activate: platformActivate([]) }),
    ).rejects.toThrow(/already activated/);

    const other = dataDir();
    await expect(
      activateTerminal({
        dataDir: other,
        driver,
        activationCode: 'WRONG',
        appVersion: '0',
        activate: async () => {
          throw new Error('the activation code is not valid');
        },
      }),
    ).rejects.toThrow('the activation code is not valid');
    expect(loadIdentity(other)).toBeUndefined();
  });

  it('refuses an answer naming another key', async () => {
    const dir = dataDir();
    await expect(
      activateTerminal({
        dataDir: dir,
        driver: new FakeDriver(),
        activationCode: 'A',
        appVersion: '0',
        activate: async () => ({ machineId: 'm', tenantId: 't', keyId: 'beef', platformKey: platformPem }),
      }),
    ).rejects.toThrow(/not this terminal's key/);
    expect(loadIdentity(dir)).toBeUndefined();
  });

  it('says which file is damaged', async () => {
    const dir = dataDir();
    await activateTerminal({
      dataDir: dir,
      driver: new FakeDriver(),
      activationCode: 'A',
      appVersion: '0',
      activate: platformActivate([]),
    });
    writeFileSync(join(dir, IDENTITY_FILE), '{"machineId": "m"');
    expect(() => loadIdentity(dir)).toThrow(/cannot read .*identity\.json/);
  });
});

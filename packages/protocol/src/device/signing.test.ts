import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalRequest,
  keyIdOf,
  openMessage,
  openSealed,
  seal,
  sha256Hex,
  signMessage,
  signRequest,
  vendIdForSale,
  verifySignature,
} from './index.js';

const doc = readFileSync(new URL('../../../../docs/device-api.md', import.meta.url), 'utf8');

/** The text of the fenced block that follows `marker` in docs/device-api.md. */
function blockAfter(marker: string): string {
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/device-api.md has no "${marker}"`);
  const open = doc.indexOf('```\n', at);
  const close = doc.indexOf('\n```', open + 4);
  return doc.slice(open + 4, close);
}

describe('the worked example of docs/device-api.md', () => {
  const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const request = blockAfter('The request:').split('\n');
  const body = request[request.length - 1] as string;
  const headers = Object.fromEntries(
    blockAfter('and the headers are:')
      .split('\n')
      .map((line) => line.split(': ') as [string, string]),
  );

  it('gives the public key, the body digest and the canonical string the document shows', () => {
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(
      `${blockAfter('Its public key:')}\n`,
    );
    expect(request[0]).toBe('POST /trpc/device.heartbeat');
    const digest = sha256Hex(body);
    expect(doc).toContain(`SHA-256 is \`${digest}\``);
    expect(
      canonicalRequest({
        method: 'post',
        target: '/trpc/device.heartbeat',
        timestamp: 1796342400000,
        nonce: '0123456789abcdef0123456789abcdef',
        bodyDigest: digest,
      }),
    ).toBe(blockAfter('so the\ncanonical string is:'));
  });

  it('gives the headers byte for byte, and the signature verifies', () => {
    const signed = signRequest(
      {
        method: 'POST',
        target: '/trpc/device.heartbeat',
        timestamp: 1796342400000,
        nonce: '0123456789abcdef0123456789abcdef',
        body,
      },
      keyIdOf(createPublicKey(privateKey)),
      privateKey,
    );
    expect(signed).toEqual(headers);
    expect(
      verifySignature(
        blockAfter('so the\ncanonical string is:'),
        headers['x-vmc-signature'] as string,
        createPublicKey(privateKey),
      ),
    ).toBe(true);
    expect(
      verifySignature(
        `${blockAfter('so the\ncanonical string is:')}x`,
        headers['x-vmc-signature'] as string,
        createPublicKey(privateKey),
      ),
    ).toBe(false);
  });
});

describe('platform messages', () => {
  const platform = generateKeyPairSync('ed25519');
  const envelope = {
    machineId: 'm-1',
    id: '42',
    type: 'event.remote_vend',
    issuedAt: '2026-12-03T08:00:00.000Z',
    expiresAt: '2026-12-03T08:05:00.000Z',
    body: { channel: 3 },
  };
  const options = { platformKey: platform.publicKey, machineId: 'm-1', now: new Date('2026-12-03T08:01:00Z') };

  it('open for their machine before they expire, once', () => {
    const message = signMessage(envelope, platform.privateKey);
    const seen = new Set<string>();
    expect(openMessage(message, { ...options, seen: (id) => seen.has(id) }).body).toEqual({ channel: 3 });
    seen.add('42');
    expect(() => openMessage(message, { ...options, seen: (id) => seen.has(id) })).toThrow(/replayed/);
  });

  it('refuse a forged, changed, misaddressed, expired or mistyped one', () => {
    const message = signMessage(envelope, platform.privateKey);
    const other = generateKeyPairSync('ed25519');
    expect(() => openMessage(signMessage(envelope, other.privateKey), options)).toThrow(/forged/);
    expect(() =>
      openMessage({ ...message, payload: message.payload.replace('"channel":3', '"channel":4') }, options),
    ).toThrow(/forged/);
    expect(() => openMessage(message, { ...options, machineId: 'm-2' })).toThrow(/misaddressed/);
    expect(() => openMessage(message, { ...options, now: new Date('2026-12-03T08:05:00Z') })).toThrow(/expired/);
    expect(() => openMessage(message, { ...options, type: 'event.config' })).toThrow(/malformed/);
    expect(() => openMessage({ payload: 1, signature: 2 } as never, options)).toThrow(/malformed/);
  });
});

describe('sealed secrets', () => {
  it('open with the RSA key they were sealed to, and with no other', () => {
    const terminal = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const box = seal('482913', terminal.publicKey);
    expect(box.alg).toBe('RSA-OAEP-256+A256GCM');
    expect(openSealed(box, terminal.privateKey)).toBe('482913');
    expect(() => openSealed(box, stranger.privateKey)).toThrow();
    const tampered = { ...box, data: Buffer.from('999999').toString('base64') };
    expect(() => openSealed(tampered, terminal.privateKey)).toThrow();
  });
});

describe('vendIdForSale', () => {
  it('is the first 32 bits of the SHA-256 of the sale id', () => {
    expect(vendIdForSale('sale-1')).toBe(Buffer.from(sha256Hex('sale-1'), 'hex').readUInt32BE(0));
    expect(() => vendIdForSale('')).toThrow(RangeError);
  });
});

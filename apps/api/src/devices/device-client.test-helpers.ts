/**
 * A terminal as the device API sees it, for tests: its keys, activation, and signed calls
 * in tRPC's plain HTTP wire format (docs/device-api.md), written with `fetch` alone, as a
 * machine maker's firmware would.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Server } from 'node:http';
import {
  newNonce,
  openMessage,
  signRequest,
  type ActivateResponse,
  type Envelope,
  type PlatformMessage,
} from '@vmcloud/protocol/device';
import { createApiServer } from '../server.js';
import type { TestApi } from '../testing.js';

export interface WireAnswer {
  status: number;
  /** `result.data` of a call that succeeded. */
  data?: unknown;
  error?: { message: string; code: number; data: { code: string; httpStatus: number } };
}

/** Serves the test API over HTTP on a free port; QR pages and notifications name that port. */
export async function serve(api: TestApi): Promise<{ base: string; server: Server; close(): Promise<void> }> {
  const server = createApiServer({ services: api.services });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.services.devices.settings.publicUrl = base;
  return {
    base,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export class TestTerminal {
  readonly signing = generateKeyPairSync('ed25519');
  readonly sealing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  identity: ActivateResponse | undefined;
  platformKey: KeyObject | undefined;
  /** Moves the terminal's clock (for stale timestamps). */
  skewMs = 0;

  constructor(readonly base: string) {}

  get machineId(): string {
    if (!this.identity) throw new Error('not activated');
    return this.identity.machineId;
  }

  async activate(boardId: string, activationCode: string, channelCount: number): Promise<WireAnswer> {
    const answer = await this.post('/trpc/device.activate', {
      boardId,
      activationCode,
      signingKey: this.signing.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      sealingKey: this.sealing.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      channelCount,
      appVersion: '1.0.0-test',
    });
    if (answer.data) {
      this.identity = answer.data as ActivateResponse;
      this.platformKey = createPublicKey(this.identity.platformKey);
    }
    return answer;
  }

  /** The signature headers of a request, as the terminal makes them. */
  sign(method: string, target: string, body: string, nonce = newNonce()): Record<string, string> {
    if (!this.identity) throw new Error('not activated');
    return signRequest(
      { method, target, timestamp: Date.now() + this.skewMs, nonce, body },
      this.identity.keyId,
      this.signing.privateKey,
    );
  }

  async post(target: string, input: unknown, headers: Record<string, string> = {}): Promise<WireAnswer> {
    const response = await fetch(`${this.base}${target}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(input),
    });
    return answerOf(response);
  }

  /** A signed mutation; answers the wire answer and the headers it sent (to replay them). */
  async mutation(path: string, input: unknown): Promise<WireAnswer & { sent: Record<string, string>; body: string }> {
    const target = `/trpc/${path}`;
    const body = JSON.stringify(input);
    const sent = this.sign('POST', target, body);
    const response = await fetch(`${this.base}${target}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sent },
      body,
    });
    return { ...(await answerOf(response)), sent, body };
  }

  async query(path: string, input?: unknown): Promise<WireAnswer> {
    const target = `/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
    const response = await fetch(`${this.base}${target}`, { headers: this.sign('GET', target, '') });
    return answerOf(response);
  }

  /** The body of a signed answer, checked as the terminal checks it. */
  open<T>(answer: WireAnswer, type?: string): Envelope<T> {
    if (!answer.data) throw new Error(`the call failed: ${answer.error?.message ?? answer.status}`);
    if (!this.platformKey) throw new Error('not activated');
    return openMessage<T>(answer.data as PlatformMessage, {
      platformKey: this.platformKey,
      machineId: this.machineId,
      now: new Date(),
      type,
    });
  }

  /** Calls and opens: the answer's body, or throws the error's message. */
  async body<T>(kind: 'query' | 'mutation', path: string, input?: unknown): Promise<T> {
    const answer = kind === 'query' ? await this.query(path, input) : await this.mutation(path, input);
    if (answer.error) throw new Error(`${answer.error.data.code}: ${answer.error.message}`);
    return this.open<T>(answer, `device.${path.split('.')[1]}`).body;
  }
}

async function answerOf(response: Response): Promise<WireAnswer> {
  const json = (await response.json()) as { result?: { data: unknown }; error?: WireAnswer['error'] };
  return { status: response.status, data: json.result?.data, error: json.error };
}

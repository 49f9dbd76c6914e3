import { describe, expect, it } from 'vitest';
import { loadTerminalConfig } from './config.js';

function loadError(env: Record<string, string>): string {
  try {
    loadTerminalConfig(env);
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw error;
  }
  throw new Error('expected loadTerminalConfig to throw');
}

describe('loadTerminalConfig', () => {
  it('takes the defaults from an empty environment', () => {
    expect(loadTerminalConfig({})).toStrictEqual({
      apiUrl: 'http://127.0.0.1:3000',
      serialPath: '/dev/ttyUSB0',
      serialBaud: 9600,
      dataDir: './data/terminal',
      heartbeatSeconds: undefined,
      outboxRetryMs: 1000,
      outboxRetryMaxMs: 60_000,
      qrPollMs: 3000,
      logUploadSeconds: 60,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadTerminalConfig({ VMCLOUD_SERIAL_BAUD: '', VMCLOUD_API_URL: '' })).toMatchObject({
      apiUrl: 'http://127.0.0.1:3000',
      serialBaud: 9600,
    });
  });

  it('reads every variable', () => {
    expect(
      loadTerminalConfig({
        VMCLOUD_API_URL: 'https://cloud.example.com/base',
        VMCLOUD_SERIAL_PATH: '/dev/ttyS1',
        VMCLOUD_SERIAL_BAUD: '115200',
        VMCLOUD_TERMINAL_DATA_DIR: '/var/lib/vmcloud',
        VMCLOUD_HEARTBEAT_SECONDS: '2',
        VMCLOUD_OUTBOX_RETRY_MS: '50',
        VMCLOUD_OUTBOX_RETRY_MAX_MS: '400',
        VMCLOUD_QR_POLL_MS: '250',
        VMCLOUD_LOG_UPLOAD_SECONDS: '5',
        UNRELATED: 'ignored',
      }),
    ).toStrictEqual({
      apiUrl: 'https://cloud.example.com/base',
      serialPath: '/dev/ttyS1',
      serialBaud: 115200,
      dataDir: '/var/lib/vmcloud',
      heartbeatSeconds: 2,
      outboxRetryMs: 50,
      outboxRetryMaxMs: 400,
      qrPollMs: 250,
      logUploadSeconds: 5,
    });
  });

  it.each(['not a url', 'ftp://cloud.example.com', '127.0.0.1:3000'])('rejects VMCLOUD_API_URL=%j', (value) => {
    expect(loadError({ VMCLOUD_API_URL: value })).toBe(
      'Invalid terminal configuration:\n  VMCLOUD_API_URL: must be an http:// or https:// URL',
    );
  });

  it.each(['abc', '0', '-9600', '9600.5', '96e2', ' 9600', '0x2580', '99999999999999999999'])(
    'rejects VMCLOUD_SERIAL_BAUD=%j',
    (value) => {
      expect(loadError({ VMCLOUD_SERIAL_BAUD: value })).toBe(
        'Invalid terminal configuration:\n  VMCLOUD_SERIAL_BAUD: must be a positive integer',
      );
    },
  );

  it.each([
    'VMCLOUD_HEARTBEAT_SECONDS',
    'VMCLOUD_OUTBOX_RETRY_MS',
    'VMCLOUD_OUTBOX_RETRY_MAX_MS',
    'VMCLOUD_QR_POLL_MS',
  ])('rejects %s that is not a positive integer', (name) => {
    expect(loadError({ [name]: '0' })).toBe(`Invalid terminal configuration:\n  ${name}: must be a positive integer`);
    expect(loadError({ [name]: '1.5' })).toBe(`Invalid terminal configuration:\n  ${name}: must be a positive integer`);
  });

  it('rejects a retry cap below the first retry delay', () => {
    expect(loadError({ VMCLOUD_OUTBOX_RETRY_MS: '5000', VMCLOUD_OUTBOX_RETRY_MAX_MS: '1000' })).toBe(
      'Invalid terminal configuration:\n  VMCLOUD_OUTBOX_RETRY_MAX_MS: must not be less than VMCLOUD_OUTBOX_RETRY_MS',
    );
  });

  it('names every invalid variable at once', () => {
    const message = loadError({ VMCLOUD_API_URL: 'nope', VMCLOUD_SERIAL_BAUD: 'fast' });
    expect(message.split('\n')).toEqual([
      'Invalid terminal configuration:',
      '  VMCLOUD_API_URL: must be an http:// or https:// URL',
      '  VMCLOUD_SERIAL_BAUD: must be a positive integer',
    ]);
  });

  it('takes only https:// in production, but for the machine itself', () => {
    expect(() => loadTerminalConfig({ NODE_ENV: 'production', VMCLOUD_API_URL: 'http://cloud.example.com' })).toThrow(
      'VMCLOUD_API_URL: must be an https:// URL in production',
    );
    expect(loadTerminalConfig({ NODE_ENV: 'production', VMCLOUD_API_URL: 'https://cloud.example.com' }).apiUrl).toBe(
      'https://cloud.example.com',
    );
    expect(loadTerminalConfig({ NODE_ENV: 'production', VMCLOUD_API_URL: 'http://127.0.0.1:3000' }).apiUrl).toBe(
      'http://127.0.0.1:3000',
    );
  });
});

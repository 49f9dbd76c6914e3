import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const keyFile = () => join(mkdtempSync(join(tmpdir(), 'vmcloud-config-')), 'master.key');

describe('API configuration', () => {
  it('defaults to the embedded SQLite database on 127.0.0.1:3000', () => {
    const config = loadConfig({ VMCLOUD_MASTER_KEY_FILE: keyFile() });
    expect(config).toMatchObject({
      databaseUrl: 'file:./data/vmcloud.db',
      host: '127.0.0.1',
      port: 3000,
      seed: 'auto',
    });
  });

  it('keeps a generated development master key and reads the same key back', () => {
    const path = keyFile();
    const first = loadConfig({ VMCLOUD_MASTER_KEY_FILE: path });
    expect(first.masterKey.source).toBe('file');
    expect(readFileSync(path, 'utf8').trim()).toBe(first.masterKey.key.toString('hex'));
    expect(loadConfig({ VMCLOUD_MASTER_KEY_FILE: path }).masterKey.key).toEqual(first.masterKey.key);
  });

  it('takes the master key from the environment', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ VMCLOUD_MASTER_KEY: hex }).masterKey).toMatchObject({ source: 'env' });
  });

  it('names every invalid variable', () => {
    const bad = () => loadConfig({ PORT: 'http', DATABASE_URL: 'postgres://x', VMCLOUD_MASTER_KEY_FILE: keyFile() });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/PORT/);
    expect(bad).toThrow(/DATABASE_URL: must be a SQLite path/);
    expect(() => loadConfig({ VMCLOUD_MASTER_KEY: 'short' })).toThrow(
      /VMCLOUD_MASTER_KEY: the master key must be 32 bytes/,
    );
  });

  it('refuses to start in production without a master key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/required in production/);
  });

  it('runs the demo fleet outside production unless VMCLOUD_DEMO_FLEET=off, and never in production', () => {
    const file = keyFile();
    expect(loadConfig({ VMCLOUD_MASTER_KEY_FILE: file }).demoFleet).toBe(true);
    expect(loadConfig({ VMCLOUD_MASTER_KEY_FILE: file, VMCLOUD_DEMO_FLEET: 'off' }).demoFleet).toBe(false);
    expect(loadConfig({ VMCLOUD_MASTER_KEY_FILE: file, VMCLOUD_DEMO_FLEET: ' On ' }).demoFleet).toBe(true);
    expect(() => loadConfig({ VMCLOUD_MASTER_KEY_FILE: file, VMCLOUD_DEMO_FLEET: 'yes' })).toThrow(
      /VMCLOUD_DEMO_FLEET: must be on or off/,
    );
    const signing = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const production = { NODE_ENV: 'production', VMCLOUD_MASTER_KEY: 'ab'.repeat(32), VMCLOUD_SIGNING_KEY: signing };
    expect(loadConfig(production).demoFleet).toBe(false);
  });
});

describe('allowed origins', () => {
  it("takes VMCLOUD_PUBLIC_URL's origin and the comma-separated VMCLOUD_ALLOWED_ORIGINS", () => {
    const config = loadConfig({
      VMCLOUD_MASTER_KEY_FILE: keyFile(),
      VMCLOUD_PUBLIC_URL: 'https://vm.example.com/api/',
      VMCLOUD_ALLOWED_ORIGINS: ' https://console.example.com , http://localhost:5173/',
    });
    expect(config.allowedOrigins).toEqual([
      'https://vm.example.com',
      'https://console.example.com',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ VMCLOUD_MASTER_KEY_FILE: keyFile() }).allowedOrigins).toEqual([]);
  });

  it('refuses an entry that is no origin', () => {
    expect(() =>
      loadConfig({
        VMCLOUD_MASTER_KEY_FILE: keyFile(),
        VMCLOUD_ALLOWED_ORIGINS: 'https://ok.example, *.example.com, https://x.example/path',
      }),
    ).toThrow(/VMCLOUD_ALLOWED_ORIGINS: \*\.example\.com, https:\/\/x\.example\/path: each must be an origin/);
  });
});

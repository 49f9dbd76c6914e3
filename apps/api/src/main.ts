/**
 * vmcloud-api [start|seed|report]
 *
 *   start   migrate, seed an empty database, report, and serve (default); the demo data
 *           outside production, and in production (NODE_ENV=production) only the platform
 *           and its administrator (VMCLOUD_ADMIN_PASSWORD, or a one-time password printed
 *           once and changed at the first sign-in), unless VMCLOUD_SEED=demo asks for the demo
 *   seed    migrate and seed, then print the demo logins
 *   report  migrate and print what the database holds
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createDb, openKeyring, resealValues } from '@vmcloud/db';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { formatReport, reportDatabase } from './report.js';
import { DEMO_PASSWORD, demoLogins, seedOnStart, type SeededUser } from './seed/index.js';
import { createApiServer } from './server.js';
import { PrincipalCache } from './auth/principal.js';
import { deviceJobs, JOBS, JobRunner } from './jobs/index.js';
import { createDeviceServices } from './devices/services.js';
import { localApiUrl, startDemoFleet } from './demo-fleet.js';

function printLogins(users: SeededUser[], seededNow: boolean): void {
  if (users.length === 0) return;
  console.log(`\nDemo logins (password ${DEMO_PASSWORD}${seededNow ? '' : ', unless it was changed since'}):`);
  for (const u of users) console.log(`  tenant ${u.tenantCode}  user ${u.username.padEnd(8)}  ${u.role}`);
}

async function run(command: string): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { service: 'api' });
  const db = await createDb(config.databaseUrl);
  const keyring = await openKeyring(db, config.masterKey.key);
  if (config.masterKey.source === 'file') {
    log.warn('using a development master key; set VMCLOUD_MASTER_KEY in production', { path: config.masterKey.path });
  }
  // Values sealed before they were bound to their place are bound now (once; quick after).
  const resealed = await resealValues(db, keyring, 'legacy');
  if (resealed > 0) log.info('sealed values bound to their table, column, row and tenant', { values: resealed });

  const seeded = await seedOnStart(db, keyring, { command, ...config });
  if (seeded && 'production' in seeded) {
    const admin = seeded.production;
    console.log(`Created the platform administrator: tenant ${admin.tenantCode}  user ${admin.username}`);
    if (admin.oneTimePassword) {
      console.log(`  one-time password: ${admin.oneTimePassword}`);
      console.log('  (shown only now; it must be changed at the first sign-in)');
    }
  } else if (seeded) {
    console.log(seeded.demo.seeded ? 'Seeded the database.' : 'The database was already seeded.');
    printLogins(await demoLogins(db), seeded.demo.seeded);
  }

  if (command === 'report' || command === 'start' || command === 'seed') {
    console.log(`\n${formatReport(await reportDatabase(db))}`);
  }

  if (command !== 'start') {
    await db.close();
    return;
  }

  if (config.signingKey.source === 'file') {
    log.warn('using a development signing key; set VMCLOUD_SIGNING_KEY in production', {
      path: config.signingKey.path,
    });
  }
  // The built console: apps/admin/dist, or VMCLOUD_ADMIN_DIR (a build kept elsewhere, as the browser tests do).
  const adminDir = process.env.VMCLOUD_ADMIN_DIR ?? fileURLToPath(new URL('../../admin/dist', import.meta.url));
  const now = () => new Date();
  const devices = createDeviceServices({
    db,
    now,
    signingKey: config.signingKey.key,
    settings: {
      publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
      heartbeatSeconds: config.heartbeatSeconds,
      qrExpirySeconds: config.qrExpirySeconds,
      paymentQueryAfterSeconds: config.paymentQueryAfterSeconds,
    },
  });
  const server = createApiServer({
    services: {
      db,
      keyring,
      log,
      principals: new PrincipalCache(),
      sessionTtlMs: config.sessionTtlMs,
      secureCookies: config.secureCookies,
      now,
      devices,
    },
    adminDir: existsSync(join(adminDir, 'index.html')) ? adminDir : undefined,
    allowedOrigins: config.allowedOrigins,
    trustedProxies: config.trustedProxies,
  });
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  // On a port chosen by the system (PORT=0), QR pages and notify URLs name the real one.
  if (!config.publicUrl) devices.settings.publicUrl = `http://${config.host}:${port}`;
  console.log(
    `\nVMCloud API listening on http://${config.host}:${port} (health: http://${config.host}:${port}/health)`,
  );

  const jobs = new JobRunner({ db, log, jobs: [...JOBS, ...deviceJobs(devices, now)] });
  jobs.start();
  // Outside production: simulated machines selling on this API (VMCLOUD_DEMO_FLEET=off: none).
  const fleet = config.demoFleet ? startDemoFleet(localApiUrl(config.host, port), log) : undefined;

  const stop = async (signal: string) => {
    log.info('shutting down', { signal });
    await fleet?.stop();
    server.close();
    await jobs.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const command = process.argv[2] ?? 'start';
if (!['start', 'seed', 'report'].includes(command)) {
  console.error(`unknown command "${command}": use start, seed or report`);
  process.exitCode = 2;
} else {
  run(command).catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  });
}

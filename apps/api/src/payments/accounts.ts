/**
 * The operator's merchant accounts with payment providers. The keys and certificates are
 * sealed with the keyring when entered and never leave in full: the console sees the last
 * four characters of the API key and which credentials are present.
 */
import { and, asc, eq, newId, sealedAt, type Keyring, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { PAYMENT_PROVIDERS } from '@vmcloud/db/schema';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import { id, Text } from '../shared/input.js';

type PaymentAccount = Row<Tables['paymentAccounts']>;

/** The acting user. */
import type { Actor } from '../shared/writer.js';

const duplicate = () => conflict('merchantId: this merchant account of the provider is already entered');

/** What is sealed in `secrets`. */
interface Credentials {
  apiKey: string;
  apiSecret?: string | null;
  privateKey?: string | null;
  certificate?: string | null;
}

const MASK = '••••';

/** All but the last four characters hidden. */
export function mask(secret: string): string {
  return `${MASK}${secret.slice(-4)}`;
}

const Secret = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

export const CredentialsInput = z.object({
  apiKey: z
    .string({ error: 'is required' })
    .trim()
    .min(8, 'must be at least 8 characters')
    .max(256, 'must be at most 256 characters'),
  apiSecret: Secret(256),
  privateKey: Secret(8000),
  certificate: Secret(8000),
});

const MerchantId = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
  .meta({ examples: ['1900000109'] });

const AppId = z.string().trim().max(64, 'must be at most 64 characters');

/** The account without its sealed secrets: what the audit log and the console may see. */
function publicFields(account: PaymentAccount) {
  const { secrets: _secrets, ...rest } = account;
  return rest;
}

async function describe(keyring: Keyring, account: PaymentAccount) {
  let present: Record<'apiKey' | 'apiSecret' | 'privateKey' | 'certificate', boolean> | null = null;
  let apiKey = account.secretHint ? `${MASK}${account.secretHint}` : MASK;
  try {
    const credentials = JSON.parse(
      await keyring.decrypt(account.secrets, sealedAt('paymentAccounts', 'secrets', account)),
    ) as Credentials;
    apiKey = mask(credentials.apiKey);
    present = {
      apiKey: Boolean(credentials.apiKey),
      apiSecret: Boolean(credentials.apiSecret),
      privateKey: Boolean(credentials.privateKey),
      certificate: Boolean(credentials.certificate),
    };
  } catch {
    // Sealed with a key this instance cannot open, or for another place (copied from
    // another account): the hint still tells the account apart.
  }
  const { secretHint: _hint, ...rest } = publicFields(account);
  return plain({ ...rest, apiKey, credentials: present });
}

/** Seals the credentials for the account `place`; the hint is the API key's last four characters. */
function seal(
  keyring: Keyring,
  credentials: z.output<typeof CredentialsInput>,
  place: { id: string; tenantId: string },
) {
  const sealed: Credentials = {
    apiKey: credentials.apiKey,
    apiSecret: credentials.apiSecret,
    privateKey: credentials.privateKey,
    certificate: credentials.certificate,
  };
  return {
    secrets: keyring.encrypt(JSON.stringify(sealed), sealedAt('paymentAccounts', 'secrets', place)),
    secretHint: credentials.apiKey.slice(-4),
  };
}

async function loadAccount(scope: TenantScope, accountId: string): Promise<PaymentAccount> {
  const account = await scope.paymentAccounts.get(accountId);
  if (!account) throw notFound('Payment account');
  return account;
}

export const AccountListInput = z.object({ provider: z.enum(PAYMENT_PROVIDERS).optional() });

/** The operator's merchant accounts, credentials masked. */
export async function listPaymentAccounts(
  scope: TenantScope,
  keyring: Keyring,
  input: z.infer<typeof AccountListInput>,
) {
  const accounts = await scope.paymentAccounts.find({
    where: (a) => (input.provider ? eq(a.provider, input.provider) : undefined),
    orderBy: (a) => [asc(a.provider), asc(a.name)],
  });
  return Promise.all(accounts.map((a) => describe(keyring, a)));
}

export const CreateAccountInput = z.object({
  provider: z.enum(PAYMENT_PROVIDERS),
  name: Text(64),
  merchantId: MerchantId,
  appId: AppId.default(''),
  credentials: CredentialsInput,
  enabled: z.boolean().default(true),
});

/** Enters a merchant account with its credentials, which are stored sealed. */
export async function createPaymentAccount(
  w: Writer,
  keyring: Keyring,
  by: Actor,
  input: z.infer<typeof CreateAccountInput>,
) {
  const existing = await w.scope.paymentAccounts.findOne((a) =>
    and(eq(a.provider, input.provider), eq(a.merchantId, input.merchantId)),
  );
  if (existing) throw duplicate();
  const place = { id: newId(), tenantId: w.scope.tenantId };
  const account = await w.scope.paymentAccounts.insert({
    id: place.id,
    provider: input.provider,
    name: input.name,
    merchantId: input.merchantId,
    appId: input.appId,
    ...seal(keyring, input.credentials, place),
    enabled: input.enabled,
    createdBy: by.userId,
    updatedBy: by.userId,
  });
  await w.audit({ entity: 'paymentAccounts', entityId: account.id, after: publicFields(account) });
  return describe(keyring, account);
}

export const UpdateAccountInput = z.object({
  accountId: id('paymentAccounts'),
  name: Text(64).optional(),
  merchantId: MerchantId.optional(),
  appId: AppId.optional(),
  credentials: CredentialsInput.optional(),
});

/** Changes an account's name or ids, and re-enters its credentials when they are given. */
export async function updatePaymentAccount(
  w: Writer,
  keyring: Keyring,
  by: Actor,
  input: z.infer<typeof UpdateAccountInput>,
  now: Date,
) {
  const before = await loadAccount(w.scope, input.accountId);
  const merchantId = input.merchantId ?? before.merchantId;
  if (merchantId !== before.merchantId) {
    const existing = await w.scope.paymentAccounts.findOne((a) =>
      and(eq(a.provider, before.provider), eq(a.merchantId, merchantId)),
    );
    if (existing) throw duplicate();
  }
  const patch = {
    name: input.name ?? before.name,
    merchantId,
    appId: input.appId ?? before.appId,
    ...(input.credentials ? seal(keyring, input.credentials, before) : {}),
    updatedAt: now,
    updatedBy: by.userId,
  };
  await w.scope.paymentAccounts.update(before.id, patch);
  const after: PaymentAccount = { ...before, ...patch };
  await w.audit({
    entity: 'paymentAccounts',
    entityId: before.id,
    before: publicFields(before),
    after: { ...publicFields(after), credentialsReentered: Boolean(input.credentials) },
  });
  return describe(keyring, after);
}

/** Enables or disables an account: a disabled account takes no payments. */
export async function setPaymentAccountEnabled(
  w: Writer,
  keyring: Keyring,
  by: Actor,
  input: { accountId: string; enabled: boolean },
  now: Date,
) {
  const before = await loadAccount(w.scope, input.accountId);
  await w.scope.paymentAccounts.update(before.id, { enabled: input.enabled, updatedAt: now, updatedBy: by.userId });
  const after: PaymentAccount = { ...before, enabled: input.enabled, updatedAt: now, updatedBy: by.userId };
  await w.audit({
    entity: 'paymentAccounts',
    entityId: before.id,
    before: publicFields(before),
    after: publicFields(after),
  });
  return describe(keyring, after);
}

/** Deletes an account that never took a payment; one that did is disabled instead. */
export async function deletePaymentAccount(w: Writer, accountId: string) {
  const account = await loadAccount(w.scope, accountId);
  if ((await w.scope.payments.count((p) => eq(p.accountId, account.id))) > 0) {
    throw refused('accountId', 'has taken payments; disable it instead');
  }
  await w.scope.paymentAccounts.delete(account.id);
  await w.audit({ entity: 'paymentAccounts', entityId: account.id, before: publicFields(account) });
  return { id: account.id };
}

/** Keys: the wrapped data keys of envelope encryption, and operators' payment accounts. */
import { c, platformTable, tenantTable } from './tenancy.js';

export const DATA_KEY_STATUSES = ['active', 'retired'] as const;

/**
 * A data key (AES-256) wrapped by the master key from the environment. Every encrypted
 * value names the data key that sealed it, so keys can be rotated: new values use the
 * active key, old values stay readable with a retired one until re-encrypted.
 */
export const dataKeys = platformTable(
  'data_keys',
  {
    /** The master key that wrapped this data key (a fingerprint, not the key). */
    masterKeyId: c.string(16).notNull(),
    /** AES-256-GCM of the data key under the master key: base64 of iv, tag, ciphertext. */
    wrappedKey: c.text().notNull(),
    status: c.enum(DATA_KEY_STATUSES).notNull().default('active'),
    retiredAt: c.time(),
  },
  { indexes: [['status']] },
);

export const PAYMENT_PROVIDERS = ['wechat_pay', 'alipay', 'unionpay', 'sandbox'] as const;

/** An operator's merchant account with a payment provider. */
export const paymentAccounts = tenantTable(
  'payment_accounts',
  {
    provider: c.enum(PAYMENT_PROVIDERS).notNull(),
    name: c.string(64).notNull(),
    merchantId: c.string(64).notNull(),
    appId: c.string(64).notNull(),
    /** Encrypted JSON of the keys and certificates; never returned in full. */
    secrets: c.text().notNull(),
    /** The last characters of the API key, to tell accounts apart on screen. */
    secretHint: c.string(8),
    enabled: c.bool().notNull().default(true),
  },
  { uniques: [['tenantId', 'provider', 'merchantId']] },
);

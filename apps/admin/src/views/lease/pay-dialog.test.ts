import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import type { LeaseOrder } from '../../api/lease';
import { i18n } from '../../locales';
import { settle } from '../settle.test-helpers';
import PayDialog from './pay-dialog.vue';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient } = await import('../../api/fake-client.test-helpers');
  const client = fakeClient(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const ORDER = {
  id: 'o1',
  orderNo: 'L202612070001',
  kind: 'lease',
  months: 3,
  machines: 5,
  moduleCodes: ['machine'],
  fee: 123_456,
  status: 'pending',
} as unknown as LeaseOrder;

const offer = (expiresInMs: number) => ({
  orderId: 'o1',
  orderNo: ORDER.orderNo,
  status: 'pending',
  fee: ORDER.fee,
  qrContent: 'http://127.0.0.1/pay/sandbox/SBX1',
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
});

function render() {
  return mount(PayDialog, { props: { order: ORDER }, global: { plugins: [i18n] }, attachTo: document.body });
}

describe('paying a lease order online', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('shows the fee, the QR and the time left, and says paid once the order is', async () => {
    let paid = false;
    fake.handlers['lease.pay'] = () => offer(30 * 60_000);
    fake.handlers['lease.status'] = () => ({ orders: [{ ...ORDER, status: paid ? 'paid' : 'pending' }] });
    const wrapper = render();
    await settle();
    expect(fake.calls.filter((c) => c.path === 'lease.pay').map((c) => c.input)).toEqual([{ id: 'o1' }]);
    expect(document.querySelector('[data-test="lease-pay-amount"]')?.textContent).toContain('1,234.56');
    expect(document.querySelector('[data-test="lease-pay-qr"]')?.getAttribute('src')).toMatch(/^data:image\/png/);
    expect(document.querySelector('[data-test="lease-pay-countdown"]')?.textContent).toMatch(
      /expires in (29:59|30:00)/,
    );
    expect(document.querySelector('[data-test="lease-pay-page"]')?.getAttribute('href')).toBe(offer(0).qrContent);
    paid = true;
    await vi.waitFor(() => expect(wrapper.emitted('paid')).toEqual([[ORDER]]), { timeout: 5000 });
    wrapper.unmount();
  });

  it('offers a new QR once the one shown has expired', async () => {
    let asked = 0;
    fake.handlers['lease.pay'] = () => offer(++asked === 1 ? 1500 : 30 * 60_000);
    fake.handlers['lease.status'] = () => ({ orders: [ORDER] });
    const wrapper = render();
    await settle();
    await vi.waitFor(() => expect(document.querySelector('[data-test="lease-pay-again"]')).not.toBeNull(), {
      timeout: 5000,
    });
    expect(document.body.textContent).toContain('The QR code has expired');
    (document.querySelector('[data-test="lease-pay-again"]') as HTMLButtonElement).click();
    await settle();
    expect(asked).toBe(2);
    expect(document.querySelector('[data-test="lease-pay-countdown"]')).not.toBeNull();
    wrapper.unmount();
  });

  it("shows the API's refusal and a retry", async () => {
    fake.handlers['lease.pay'] = () => {
      throw refuse('CONFLICT', 'The lease order is cancelled, not pending');
    };
    fake.handlers['lease.status'] = () => ({ orders: [] });
    const wrapper = render();
    await settle();
    expect(document.body.textContent).toContain('Could not get a payment QR code');
    expect(document.body.textContent).toContain('The lease order is cancelled, not pending');
    wrapper.unmount();
  });
});

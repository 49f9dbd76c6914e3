/**
 * Payment routes outside tRPC, in the shapes payment providers and phones use:
 *
 *   GET  /pay/sandbox/<tradeNo>               the sandbox provider's pay page (its QR code opens it)
 *   POST /pay/sandbox/<tradeNo>               action=pay | decline | pay_without_notification
 *   POST /pay/notify/<provider>/<tenantId>    a provider's payment notification
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { receiveNotification } from '../payments/checkout.js';
import type { Services } from '../trpc/context.js';
import { DomainError } from '../shared/errors.js';

const MAX_BODY = 64 * 1024;

function readSmallBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

const STATUS_TEXT: Record<string, string> = {
  pending: '待支付 · Waiting for payment',
  paid: '支付成功 · Paid',
  declined: '已拒绝 · Declined',
  closed: '已关闭 · Closed',
};

function page(
  trade: { tradeNo: string; subject: string; amount: number; status: string; expiresAt: Date },
  now: Date,
): string {
  const open = trade.status === 'pending';
  const expired = trade.expiresAt.getTime() <= now.getTime();
  const button = (action: string, label: string, style: string) =>
    `<button name="action" value="${action}" style="${style}">${label}</button>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>VMCloud 沙箱支付 · Sandbox payment</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f2f3f5;color:#1d2129}
main{max-width:420px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
.amount{font-size:40px;font-weight:600;margin:12px 0}
.muted{color:#86909c;font-size:14px}
.status{margin:16px 0;font-size:18px}
button{display:block;width:100%;min-height:52px;margin-top:12px;border:0;border-radius:8px;font-size:18px;cursor:pointer}
</style></head>
<body><main><div class="card">
<div class="muted">沙箱支付 · Sandbox payment provider</div>
<div class="amount">${yuan(trade.amount)}</div>
<div>${escape(trade.subject)}</div>
<div class="muted">交易号 · Trade ${escape(trade.tradeNo)}</div>
<div class="muted">有效期至 · Valid until ${escape(trade.expiresAt.toISOString())}${expired && open ? ' (已过期 · expired)' : ''}</div>
<div class="status" data-status="${escape(trade.status)}">${STATUS_TEXT[trade.status] ?? escape(trade.status)}</div>
${
  open
    ? `<form method="post">
${button('pay', '支付 · Pay', 'background:#165dff;color:#fff')}
${button('decline', '拒绝 · Decline', 'background:#f2f3f5;color:#1d2129')}
${button('pay_without_notification', '支付但不通知 · Pay, lose the notification', 'background:#fff;color:#86909c;border:1px solid #e5e6eb')}
</form>`
    : ''
}
</div></main></body></html>`;
}

export function createPaymentPages(services: Pick<Services, 'db' | 'devices' | 'now' | 'log'>) {
  const { devices } = services;
  return async function handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const parts = pathname.split('/').filter(Boolean); // ['pay', ...]
    if (parts[1] === 'sandbox' && parts.length === 3) {
      const tradeNo = decodeURIComponent(parts[2] as string);
      if (req.method === 'POST') {
        const body = await readSmallBody(req);
        const action = new URLSearchParams(body ?? '').get('action');
        if (action !== 'pay' && action !== 'decline' && action !== 'pay_without_notification') {
          send(res, 400, 'text/plain; charset=utf-8', 'action must be pay, decline or pay_without_notification');
          return;
        }
        const trade = await devices.sandbox.act(tradeNo, action);
        if (!trade) {
          send(res, 404, 'text/plain; charset=utf-8', 'no such trade');
          return;
        }
        res.writeHead(303, { location: pathname, 'content-length': 0 });
        res.end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'text/plain; charset=utf-8', 'use GET or POST', { allow: 'GET, HEAD, POST' });
        return;
      }
      const trade = await devices.sandbox.tradeByNo(tradeNo);
      if (!trade) {
        send(res, 404, 'text/plain; charset=utf-8', 'no such trade');
        return;
      }
      send(res, 200, 'text/html; charset=utf-8', page(trade, services.now()), { 'cache-control': 'no-store' });
      return;
    }
    if (parts[1] === 'notify' && parts.length === 4 && req.method === 'POST') {
      const body = await readSmallBody(req);
      if (body === null) {
        send(res, 413, 'application/json', JSON.stringify({ code: 'FAIL', message: 'body too large' }));
        return;
      }
      try {
        const ack = await receiveNotification(
          {
            db: services.db,
            providers: devices.providers,
            hub: devices.hub,
            settings: devices.settings,
            now: services.now,
          },
          parts[2] as string,
          parts[3] as string,
          req.headers,
          body,
        );
        send(res, ack.status, ack.contentType, ack.body);
      } catch (error) {
        const status = error instanceof DomainError ? (error.kind === 'not_found' ? 404 : 400) : 400;
        services.log.warn('payment notification refused', { path: pathname, error: (error as Error).message });
        send(res, status, 'application/json', JSON.stringify({ code: 'FAIL', message: (error as Error).message }));
      }
      return;
    }
    send(
      res,
      404,
      'application/json',
      JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${pathname}` } }),
    );
  };
}

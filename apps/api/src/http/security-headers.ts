/**
 * Security headers on every answer, set by helmet (it works on node:http as a plain
 * `(req, res, next)` function: it only calls `res.setHeader`, which `writeHead` merges).
 *
 * The Content-Security-Policy is the console's: its scripts and styles come from its own
 * build; Element Plus and ECharts set inline `style` attributes ('unsafe-inline' for
 * styles only, never for scripts); QR codes and image previews are data: or blob: URLs;
 * product images and ads come from /uploads on the same origin. Nobody may frame it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
  'manifest-src': ["'self'"],
} as const;

export interface SecurityHeaderOptions {
  /** Behind HTTPS: browsers are also told to upgrade any http:// subresource. */
  https: boolean;
}

/** Sets the security headers on `res`; call it before anything is written. */
export function createSecurityHeaders({ https }: SecurityHeaderOptions) {
  const policy: Record<string, string[]> = Object.fromEntries(
    Object.entries(CONTENT_SECURITY_POLICY).map(([name, values]) => [name, [...values]]),
  );
  if (https) policy['upgrade-insecure-requests'] = [];
  const pages = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: policy },
    // Same-origin by default; /uploads below is public by design (machines' screens show it).
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  const publicFiles = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: policy },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  const next = (error?: unknown) => {
    if (error) throw error;
  };
  return (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    (pathname.startsWith('/uploads/') ? publicFiles : pages)(req, res, next);
  };
}

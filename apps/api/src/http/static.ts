/**
 * Serves the built admin console: files under its folder, and index.html for any other
 * path without a file extension (the console's own routes).
 */
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

/** Returns a handler that answers and returns true when it has something for `pathname`. */
export function createStaticHandler(dir: string) {
  const root = resolve(dir);
  const file = (path: string): Buffer | undefined => {
    try {
      return statSync(path).isFile() ? readFileSync(path) : undefined;
    } catch {
      return undefined;
    }
  };
  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    const target = normalize(join(root, decoded));
    if (target !== root && !target.startsWith(root + sep)) return false;
    let body = decoded.endsWith('/') ? undefined : file(target);
    let type = TYPES[extname(target)] ?? 'application/octet-stream';
    let cache = decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (!body && !extname(decoded)) {
      body = file(join(root, 'index.html'));
      type = TYPES['.html'] as string;
      cache = 'no-cache';
    }
    if (!body) return false;
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': cache });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

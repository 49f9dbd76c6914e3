/**
 * What one request may ask of the server, decided before a byte of its body is read:
 *
 * - at most `MAX_BATCH_CALLS` calls in a batch (a GET of 300 list calls is refused, not run);
 * - a body of at most `DEFAULT_BODY_BYTES`, whatever its content type; the upload
 *   procedures take more, and only from a caller whose session is valid, so that an
 *   anonymous client never gets more than the small limit buffered.
 *
 * A body is refused as soon as its declared length (or, when it is sent in chunks, the
 * bytes read so far) passes the limit; the connection is then closed, so that the rest
 * is never read. List pages are bounded where their inputs are declared
 * (shared/paging.ts, at most `MAX_PAGE_ROWS`).
 */
import type { IncomingMessage } from 'node:http';

/** The most calls one HTTP request may batch. */
export const MAX_BATCH_CALLS = 20;

const MB = 1024 * 1024;

/** The largest body of any call that is not an upload. */
export const DEFAULT_BODY_BYTES = 1 * MB;

/**
 * Procedures that take a file as a base64 data: URL, with the body each needs: the
 * decoded limit of its input (media/uploads.ts) in base64 plus room for the other fields.
 */
export const UPLOAD_BODY_BYTES: Readonly<Record<string, number>> = {
  'ads.upload': 28 * MB, // a 20 MB video
  'products.uploadImage': 3 * MB, // a 2 MB image
};

/** The largest body a request naming `paths` may send when its caller is signed in. */
export function uploadLimitOf(paths: readonly string[]): number | undefined {
  let limit: number | undefined;
  for (const path of paths) {
    const bytes = UPLOAD_BODY_BYTES[path];
    if (bytes !== undefined && (limit === undefined || bytes > limit)) limit = bytes;
  }
  return limit;
}

/** The body length a request declares (`Content-Length`), or undefined when it sends chunks. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers['content-length'];
  if (value === undefined) return undefined;
  const length = Number(value);
  return Number.isSafeInteger(length) && length >= 0 ? length : Number.POSITIVE_INFINITY;
}

/** "1 MB", "28 MB", "512 KB": a limit as the refusal states it. */
export function describeBytes(bytes: number): string {
  return bytes >= MB ? `${+(bytes / MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${describeBytes(limit)}`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * Reads a request body of at most `limit` bytes. Past the limit it stops buffering,
 * leaves the rest unread and rejects with `BodyTooLarge` (the caller answers 413 and
 * closes the connection).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = declaredLength(req);
    if (declared !== undefined && declared > limit) {
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

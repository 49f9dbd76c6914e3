/**
 * Files an operator uploads (product images, ads): sent as a base64 `data:` URL, checked
 * against the type it claims by its first bytes, limited in size, and kept under the
 * upload directory as `<tenantId>/<uuid>.<ext>`. The row stores the file's URL path,
 * `/uploads/<tenantId>/<uuid>.<ext>`.
 *
 * The directory is VMCLOUD_UPLOAD_DIR, by default ./data/uploads (next to the SQLite
 * database). Nothing serves it yet.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { refused } from '../shared/errors.js';

export type MediaKind = 'image' | 'video';

interface MediaType {
  mime: string;
  ext: string;
  kind: MediaKind;
  label: string;
  /** True when the file's first bytes are of this type. */
  matches(bytes: Buffer): boolean;
}

const ascii = (bytes: Buffer, start: number, text: string) =>
  bytes.length >= start + text.length && bytes.toString('latin1', start, start + text.length) === text;

const MEDIA_TYPES: readonly MediaType[] = [
  {
    mime: 'image/png',
    ext: 'png',
    kind: 'image',
    label: 'a PNG image',
    matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    mime: 'image/jpeg',
    ext: 'jpg',
    kind: 'image',
    label: 'a JPEG image',
    matches: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    mime: 'image/webp',
    ext: 'webp',
    kind: 'image',
    label: 'a WebP image',
    matches: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP'),
  },
  { mime: 'video/mp4', ext: 'mp4', kind: 'video', label: 'an MP4 video', matches: (b) => ascii(b, 4, 'ftyp') },
  {
    mime: 'video/webm',
    ext: 'webm',
    kind: 'video',
    label: 'a WebM video',
    matches: (b) => b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])),
  },
];

const MB = 1024 * 1024;
/** Largest image, decoded. */
export const MAX_IMAGE_BYTES = 2 * MB;
/** Largest video, decoded. */
export const MAX_VIDEO_BYTES = 20 * MB;

/** A 1x1 PNG: the example a generated input uses. */
export const EXAMPLE_PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const DATA_URL = /^data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/]+={0,2}$/;

/** A base64 `data:` URL of at most `maxBytes` decoded bytes (the type is checked when it is stored). */
export const DataUrl = (maxBytes: number) =>
  z
    .string({ error: 'is required' })
    .max(Math.ceil(maxBytes / 3) * 4 + 64, `must be at most ${maxBytes / MB} MB`)
    .regex(DATA_URL, 'must be a base64 data: URL')
    .meta({ examples: [EXAMPLE_PNG_DATA_URL] });

/** A decoded upload whose bytes are of the type it claims. */
export interface Media {
  kind: MediaKind;
  mime: string;
  ext: string;
  bytes: Buffer;
  sha256: string;
}

/** Decodes a data URL and checks its type against `kinds` and its first bytes, and its size. */
export function decodeMedia(dataUrl: string, kinds: readonly MediaKind[], field = 'dataUrl'): Media {
  const comma = dataUrl.indexOf(',');
  const mime = dataUrl.slice('data:'.length, dataUrl.indexOf(';'));
  const type = MEDIA_TYPES.find((t) => t.mime === mime && kinds.includes(t.kind));
  if (!type) {
    const allowed = MEDIA_TYPES.filter((t) => kinds.includes(t.kind)).map((t) => t.mime);
    throw refused(field, `must be one of ${allowed.join(', ')}`);
  }
  const bytes = Buffer.from(dataUrl.slice(comma + 1), 'base64');
  const limit = type.kind === 'image' ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
  if (bytes.length === 0) throw refused(field, 'is empty');
  if (bytes.length > limit) throw refused(field, `must be at most ${limit / MB} MB`);
  if (!type.matches(bytes)) throw refused(field, `is not ${type.label}`);
  return {
    kind: type.kind,
    mime: type.mime,
    ext: type.ext,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The directory uploads are kept in. */
export function uploadDir(): string {
  return resolve(process.env.VMCLOUD_UPLOAD_DIR?.trim() || './data/uploads');
}

const UPLOAD_URL = /^\/uploads\/([0-9a-f-]{36})\/([0-9a-f-]{36}\.[a-z0-9]{2,5})$/;

/** Writes the file for `tenantId` and returns its URL path. */
export async function storeMedia(tenantId: string, media: Media): Promise<string> {
  const name = `${randomUUID()}.${media.ext}`;
  const dir = join(uploadDir(), tenantId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), media.bytes, { flag: 'wx' });
  return `/uploads/${tenantId}/${name}`;
}

/** The file behind an upload's URL path, or undefined for a URL that is not an upload. */
export function fileOfUpload(url: string | null | undefined): string | undefined {
  const match = url ? UPLOAD_URL.exec(url) : null;
  return match ? join(uploadDir(), match[1] as string, match[2] as string) : undefined;
}

/** Deletes an uploaded file; a URL that is not an upload, or a missing file, is left alone. */
export async function removeMedia(url: string | null | undefined): Promise<void> {
  const file = fileOfUpload(url);
  if (!file) return;
  await unlink(file).catch(() => undefined);
}

/**
 * Runs `write` with a function that stores an upload; if `write` fails, the stored file
 * is deleted again, so a rolled-back change leaves no file behind.
 */
export async function withStoredMedia<T>(
  write: (store: (tenantId: string, media: Media) => Promise<string>) => Promise<T>,
): Promise<T> {
  const stored: string[] = [];
  try {
    return await write(async (tenantId, media) => {
      const url = await storeMedia(tenantId, media);
      stored.push(url);
      return url;
    });
  } catch (error) {
    await Promise.all(stored.map(removeMedia));
    throw error;
  }
}

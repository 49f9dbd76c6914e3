import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notFound } from '../shared/errors.js';
import { decodeMedia, EXAMPLE_PNG_DATA_URL, fileOfUpload, removeMedia, withStoredMedia } from './uploads.js';

const TENANT = '01a20000-0000-7000-8000-000000000001';
const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

describe('uploads', () => {
  let dir: string;
  const previousDir = process.env.VMCLOUD_UPLOAD_DIR;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vmcloud-media-'));
    process.env.VMCLOUD_UPLOAD_DIR = dir;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (previousDir === undefined) delete process.env.VMCLOUD_UPLOAD_DIR;
    else process.env.VMCLOUD_UPLOAD_DIR = previousDir;
  });

  it('tells the types apart by their first bytes', () => {
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([1, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
    expect(decodeMedia(dataUrl('image/webp', webp), ['image'])).toMatchObject({ kind: 'image', ext: 'webp' });
    expect(decodeMedia(EXAMPLE_PNG_DATA_URL, ['image'])).toMatchObject({ mime: 'image/png', ext: 'png' });
    const webm = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f]);
    expect(decodeMedia(dataUrl('video/webm', webm), ['video']).kind).toBe('video');
    expect(() => decodeMedia(dataUrl('image/webp', Buffer.from('RIFF....AVI ')), ['image'])).toThrow(
      'dataUrl: is not a WebP image',
    );
    expect(() => decodeMedia(dataUrl('image/png', webm), ['image'])).toThrow('dataUrl: is not a PNG image');
  });

  it('removes a stored file when the change it belongs to fails', async () => {
    const media = decodeMedia(EXAMPLE_PNG_DATA_URL, ['image']);
    let stored = '';
    await expect(
      withStoredMedia(async (store) => {
        stored = await store(TENANT, media);
        expect(existsSync(fileOfUpload(stored) as string)).toBe(true);
        throw notFound('Product');
      }),
    ).rejects.toThrow('Product not found');
    expect(stored).toMatch(/^\/uploads\/.+\.png$/);
    expect(readdirSync(join(dir, TENANT))).toEqual([]);
  });

  it('deletes only files under the upload directory', async () => {
    expect(fileOfUpload('/media/ads/summer-drinks.png')).toBeUndefined();
    expect(fileOfUpload(`/uploads/${TENANT}/../../etc/passwd`)).toBeUndefined();
    await removeMedia('/media/ads/summer-drinks.png');
    const url = await withStoredMedia((store) => store(TENANT, decodeMedia(EXAMPLE_PNG_DATA_URL, ['image'])));
    expect(readdirSync(join(dir, TENANT))).toHaveLength(1);
    await removeMedia(url);
    expect(readdirSync(join(dir, TENANT))).toHaveLength(0);
  });
});

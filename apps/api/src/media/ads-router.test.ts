import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';
import { EXAMPLE_PNG_DATA_URL, fileOfUpload } from './uploads.js';

const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(64, 1)]);
const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] ads`, () => {
    let api: TestApi;
    let admin: Caller;
    let a: TenantScope;
    let b: TenantScope;
    let uploads: string;
    let machineIds: string[];
    let videoId: string;
    const previousDir = process.env.VMCLOUD_UPLOAD_DIR;

    beforeAll(async () => {
      uploads = mkdtempSync(join(tmpdir(), 'vmcloud-ads-'));
      process.env.VMCLOUD_UPLOAD_DIR = uploads;
      api = await createTestApi(dialect);
      a = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      b = api.db.forTenant((await api.createOperator({ code: '200007', name: 'Ad_Rivals' })).tenantId);
      admin = await api.signIn(DEMO_CODE, 'admin');
      machineIds = (await a.machines.find({ orderBy: (m) => [m.boardId] })).map((m) => m.id);
    });
    afterAll(async () => {
      await api?.close();
      rmSync(uploads, { recursive: true, force: true });
      if (previousDir === undefined) delete process.env.VMCLOUD_UPLOAD_DIR;
      else process.env.VMCLOUD_UPLOAD_DIR = previousDir;
    });

    it('lists the ads with the machines that play them', async () => {
      const { items, total } = await admin.ads.list({});
      expect(total).toBe(1);
      expect(items[0]).toMatchObject({ name: '夏日冰饮第二件半价', mediaType: 'image' });
      expect(items[0]?.machines.map((m) => m.machineId)).toEqual(machineIds.slice(0, 2));
      expect((await admin.ads.list({ machineId: machineIds[2] as string })).total).toBe(0);
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.ads.list({}))).code).toBe('FORBIDDEN');
    });

    it('uploads images and videos of a known type and size', async () => {
      const image = await admin.ads.upload({ name: '新品上市', dataUrl: EXAMPLE_PNG_DATA_URL, durationSeconds: 5 });
      const pngBytes = Buffer.from(EXAMPLE_PNG_DATA_URL.split(',')[1] as string, 'base64');
      expect(image).toMatchObject({
        mediaType: 'image',
        durationSeconds: 5,
        sha256: createHash('sha256').update(pngBytes).digest('hex'),
        machines: [],
      });
      expect(readFileSync(fileOfUpload(image.url) as string).equals(pngBytes)).toBe(true);

      const video = await admin.ads.upload({
        name: '品牌视频',
        dataUrl: dataUrl('video/mp4', MP4),
        startsAt: new Date(Date.UTC(2026, 11, 1)),
        endsAt: new Date(Date.UTC(2026, 11, 31)),
      });
      videoId = video.id;
      expect(video).toMatchObject({ mediaType: 'video', startsAt: '2026-12-01T00:00:00.000Z', durationSeconds: 10 });
      expect(video.url).toMatch(/\.mp4$/);
      expect(await a.ads.count()).toBe(3);

      const cases: [string, string][] = [
        [dataUrl('video/mp4', Buffer.from('just some text')), 'dataUrl: is not an MP4 video'],
        [
          dataUrl('image/gif', Buffer.from('GIF89a')),
          'dataUrl: must be one of image/png, image/jpeg, image/webp, video/mp4, video/webm',
        ],
        [
          dataUrl('video/webm', Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(20 * 1024 * 1024)])),
          'dataUrl: must be at most 20 MB',
        ],
      ];
      for (const [url, message] of cases) {
        const refused = await failure(admin.ads.upload({ name: '坏文件', dataUrl: url }));
        expect(refused.code).toBe('BAD_REQUEST');
        expect(refused.message).toBe(message);
      }
      const backwards = await failure(
        admin.ads.upload({
          name: '倒序',
          dataUrl: EXAMPLE_PNG_DATA_URL,
          startsAt: new Date(Date.UTC(2026, 11, 31)),
          endsAt: new Date(Date.UTC(2026, 11, 1)),
        }),
      );
      expect(backwards.message).toBe('endsAt: must be after startsAt');
      expect(await a.ads.count()).toBe(3);
      expect(await a.auditLog.count((l) => eq(l.action, 'ads.upload'))).toBe(2);
    });

    it('assigns an ad to machines of its operator, once each, and unassigns it', async () => {
      const assigned = await admin.ads.assign({ adId: videoId, machineIds: [...machineIds, machineIds[0] as string] });
      expect(assigned.machines.map((m) => m.machineId).sort()).toEqual([...machineIds].sort());
      await admin.ads.assign({ adId: videoId, machineIds: [machineIds[0] as string], sortOrder: 3 });
      expect(await a.adMachines.count((am) => eq(am.adId, videoId))).toBe(3);

      const theirs = await b.machines.count();
      expect(theirs).toBe(0);
      const foreignMachine = (await a.machines.find({ limit: 1 }))[0]?.id as string;
      const rival = await api.signIn('200007', 'operator_admin');
      const hidden = await failure(rival.ads.assign({ adId: videoId, machineIds: [foreignMachine] }));
      expect(hidden.code).toBe('NOT_FOUND');
      expect(hidden.message).toBe('Ad not found');
      const otherAd = await b.ads.insert({ name: 'B', mediaType: 'image', url: '/x.png', sha256: 'x'.repeat(64) });
      const cross = await failure(rival.ads.assign({ adId: otherAd.id, machineIds: [foreignMachine] }));
      expect(cross.message).toBe('Machine not found');
      expect(await b.adMachines.count()).toBe(0);

      const third = machineIds[2] as string;
      expect((await admin.ads.list({ machineId: third })).items.map((ad) => ad.id)).toEqual([videoId]);
      await admin.ads.unassign({ adId: videoId, machineId: third });
      expect(await a.adMachines.count((am) => and(eq(am.adId, videoId), eq(am.machineId, third)))).toBe(0);
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'ads.unassign') });
      expect(audit?.before).toMatchObject({ adId: videoId, machineId: third });
    });

    it('deletes an ad, its assignments and its file', async () => {
      const video = await a.ads.get(videoId);
      const file = fileOfUpload(video?.url) as string;
      expect(existsSync(file)).toBe(true);
      expect(await admin.ads.delete({ adId: videoId })).toEqual({ id: videoId });
      expect(await a.ads.get(videoId)).toBeUndefined();
      expect(await a.adMachines.count((am) => eq(am.adId, videoId))).toBe(0);
      expect(existsSync(file)).toBe(false);
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'ads.delete') });
      expect(audit?.after).toEqual({ machinesUnassigned: 2 });
    });
  });
}

/**
 * Ads the machines' screens play: images and videos the operator uploads, each assigned
 * to the machines that show it.
 */
import { and, asc, desc, eq, inArray, type Row, type Tables, type TenantScope, type Where } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Text, Timestamp } from '../shared/input.js';
import { DataUrl, decodeMedia, MAX_VIDEO_BYTES, removeMedia, withStoredMedia } from './uploads.js';
import { notFound, refused } from '../shared/errors.js';
import { offsetPage } from '../shared/paging.js';
import { P } from '../access/catalog.js';

type Ad = Row<Tables['ads']>;

/** The one item of a list described from one row. */
const only = <T>(items: T[]): T => items[0] as T;

async function loadAd(scope: TenantScope, adId: string): Promise<Ad> {
  const ad = await scope.ads.get(adId);
  if (!ad) throw notFound('Ad');
  return ad;
}

/** Ads with the machines that play them. */
async function describeAds(scope: TenantScope, ads: Ad[]) {
  const adIds = ads.map((a) => a.id);
  const assigned =
    adIds.length === 0
      ? []
      : await scope.adMachines.find({
          where: (am) => inArray(am.adId, adIds),
          orderBy: (am) => [asc(am.sortOrder), asc(am.createdAt)],
        });
  return ads.map((a) =>
    plain({
      ...a,
      machines: assigned
        .filter((am) => am.adId === a.id)
        .map((am) => ({ machineId: am.machineId, sortOrder: am.sortOrder })),
    }),
  );
}

const Duration = z
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(1, 'must be at least 1 second')
  .max(3600, 'must be at most 3600 seconds');

export const adsRouter = router({
  /** The operator's ads, newest first, optionally only those a machine plays. */
  list: operatorProcedure(P.ads)
    .input(
      z.object({
        machineId: id('machines').optional(),
        ...offsetPage(200, 50),
      }),
    )
    .query(async ({ ctx, input }) => {
      let adIds: string[] | undefined;
      if (input.machineId) {
        const machineId = input.machineId;
        adIds = (await ctx.scope.adMachines.find({ where: (am) => eq(am.machineId, machineId) })).map((am) => am.adId);
      }
      const where: Where<Tables['ads']> = (a) => (adIds ? inArray(a.id, adIds) : undefined);
      const { rows: ads, total } = await ctx.scope.ads.page({
        where,
        orderBy: (a) => [desc(a.createdAt), desc(a.id)],
        limit: input.limit,
        offset: input.offset,
      });
      return { items: await describeAds(ctx.scope, ads), total };
    }),

  /**
   * Uploads an ad: a PNG, JPEG or WebP image (at most 2 MB) shown for `durationSeconds`,
   * or an MP4 or WebM video (at most 20 MB) played to its end, between optional dates.
   */
  upload: operatorProcedure(P.ads)
    .input(
      z.object({
        name: Text(64),
        dataUrl: DataUrl(MAX_VIDEO_BYTES),
        durationSeconds: Duration.default(10),
        startsAt: Timestamp.nullish(),
        endsAt: Timestamp.nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.startsAt && input.endsAt && input.endsAt.getTime() <= input.startsAt.getTime()) {
        throw refused('endsAt', 'must be after startsAt');
      }
      const media = decodeMedia(input.dataUrl, ['image', 'video']);
      const userId = ctx.principal.userId;
      const now = ctx.now();
      const ad = await withStoredMedia((store) =>
        ctx.write(async (w) => {
          const url = await store(ctx.tenantId, media);
          const ad = await w.scope.ads.insert({
            name: input.name,
            mediaType: media.kind,
            url,
            sha256: media.sha256,
            durationSeconds: input.durationSeconds,
            startsAt: input.startsAt ?? null,
            endsAt: input.endsAt ?? null,
            createdAt: now,
            updatedAt: now,
            createdBy: userId,
            updatedBy: userId,
          });
          await w.audit({
            entity: 'ads',
            entityId: ad.id,
            after: { ...ad, bytes: media.bytes.length, mime: media.mime },
          });
          return ad;
        }),
      );
      return only(await describeAds(ctx.scope, [ad]));
    }),

  /** Has machines play an ad, in the given place of their playlist; machines already playing it keep their place. */
  assign: operatorProcedure(P.ads)
    .input(
      z.object({
        adId: id('ads'),
        machineIds: z.array(id('machines')).min(1, 'must name at least one machine').max(500, 'are too many'),
        sortOrder: z.number().int().min(0).max(10_000).default(0),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const now = ctx.now();
      const ad = await ctx.write(async (w) => {
        const ad = await loadAd(w.scope, input.adId);
        const machineIds: string[] = [];
        for (const machineId of new Set(input.machineIds)) {
          const machine = await w.scope.machines.get(machineId);
          if (!machine) throw notFound('Machine');
          machineIds.push(machine.id);
        }
        const already = new Set(
          (
            await w.scope.adMachines.find({ where: (am) => and(eq(am.adId, ad.id), inArray(am.machineId, machineIds)) })
          ).map((am) => am.machineId),
        );
        const added = machineIds.filter((m) => !already.has(m));
        if (added.length > 0) {
          await w.scope.adMachines.insertMany(
            added.map((machineId) => ({
              adId: ad.id,
              machineId,
              sortOrder: input.sortOrder,
              createdAt: now,
              updatedAt: now,
              createdBy: userId,
              updatedBy: userId,
            })),
          );
        }
        await w.audit({ entity: 'adMachines', entityId: ad.id, after: { adId: ad.id, machineIds: added } });
        return ad;
      });
      return only(await describeAds(ctx.scope, [ad]));
    }),

  /** Stops a machine playing an ad (nothing changes if it did not play it). */
  unassign: operatorProcedure(P.ads)
    .input(z.object({ adId: id('ads'), machineId: id('machines') }))
    .mutation(async ({ ctx, input }) => {
      const ad = await ctx.write(async (w) => {
        const ad = await loadAd(w.scope, input.adId);
        const machine = await w.scope.machines.get(input.machineId);
        if (!machine) throw notFound('Machine');
        const row = await w.scope.adMachines.findOne((am) => and(eq(am.adId, ad.id), eq(am.machineId, machine.id)));
        if (row) await w.scope.adMachines.delete(row.id);
        await w.audit({
          entity: 'adMachines',
          entityId: row?.id ?? null,
          before: row ?? null,
          after: { adId: ad.id, machineId: machine.id, wasAssigned: Boolean(row) },
        });
        return ad;
      });
      return only(await describeAds(ctx.scope, [ad]));
    }),

  /** Deletes an ad: no machine plays it any more and its file is removed. */
  delete: operatorProcedure(P.ads)
    .input(z.object({ adId: id('ads') }))
    .mutation(async ({ ctx, input }) => {
      const ad = await ctx.write(async (w) => {
        const ad = await loadAd(w.scope, input.adId);
        const unassigned = await w.scope.adMachines.deleteWhere((am) => eq(am.adId, ad.id));
        await w.scope.ads.delete(ad.id);
        await w.audit({ entity: 'ads', entityId: ad.id, before: ad, after: { machinesUnassigned: unassigned } });
        return ad;
      });
      await removeMedia(ad.url);
      return { id: ad.id };
    }),
});

/**
 * Ads the machines' screens play: images and videos the operator uploads, each assigned
 * to the machines that show it.
 */
import { asc, desc, eq, inArray, type Tables, type TenantScope, type Where } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, Text, Timestamp } from '../shared/input.js';
import { DataUrl, decodeMedia, MAX_VIDEO_BYTES, removeMedia, withStoredMedia } from './uploads.js';
import { offsetPage } from '../shared/paging.js';
import { P } from '../access/catalog.js';

import { addAd, assignAd, deleteAd, unassignAd, type Ad } from './ads.js';

/** The one item of a list described from one row. */
const only = <T>(items: T[]): T => items[0] as T;

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
      const media = decodeMedia(input.dataUrl, ['image', 'video']);
      const userId = ctx.principal.userId;
      const ad = await withStoredMedia((store) => ctx.write((w) => addAd(w, store, userId, input, media)));
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
      const ad = await ctx.write((w) => assignAd(w, userId, input));
      return only(await describeAds(ctx.scope, [ad]));
    }),

  /** Stops a machine playing an ad (nothing changes if it did not play it). */
  unassign: operatorProcedure(P.ads)
    .input(z.object({ adId: id('ads'), machineId: id('machines') }))
    .mutation(async ({ ctx, input }) => {
      const ad = await ctx.write((w) => unassignAd(w, input));
      return only(await describeAds(ctx.scope, [ad]));
    }),

  /** Deletes an ad: no machine plays it any more and its file is removed. */
  delete: operatorProcedure(P.ads)
    .input(z.object({ adId: id('ads') }))
    .mutation(async ({ ctx, input }) => {
      const ad = await ctx.write((w) => deleteAd(w, input.adId));
      await removeMedia(ad.url);
      return { id: ad.id };
    }),
});

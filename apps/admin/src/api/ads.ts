/** Ads: types of the ads procedures. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';

export type Ad = inferRouterOutputs<AppRouter>['ads']['list']['items'][number];
export type AdUploadInput = inferRouterInputs<AppRouter>['ads']['upload'];

/** Types an ad may be, and the largest sizes (images 2 MB, videos 20 MB). */
export const AD_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const AD_VIDEO_TYPES = ['video/mp4', 'video/webm'] as const;
export const MAX_AD_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_AD_VIDEO_BYTES = 20 * 1024 * 1024;

/** True for a video ad (by its stored file's extension). */
export function isVideo(url: string): boolean {
  return /\.(mp4|webm)$/i.test(url);
}

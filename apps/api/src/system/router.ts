/** About the platform itself, for any client. */
import { publicProcedure, router } from '../trpc/init.js';

export const systemRouter = router({
  /** The server's clock, so that a terminal can tell how far its own clock is off. */
  time: publicProcedure.query(() => ({ now: new Date().toISOString() })),
});

import { router } from "./trpc";
import { authRouter } from "./routers/auth";
import { settingsRouter } from "./routers/settings";
import { systemRouter } from "./routers/system";

/** One router per domain; later features add theirs here. */
export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;

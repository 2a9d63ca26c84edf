import { router } from "./trpc";
import { authRouter } from "./routers/auth";
import { settingsRouter } from "./routers/settings";
import { systemRouter } from "./routers/system";
import { devicesRouter } from "./routers/devices";
import { foldersRouter } from "./routers/folders";
import { consoleRouter } from "./routers/console";

/** One router per domain; later features add theirs here. */
export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
  system: systemRouter,
  devices: devicesRouter,
  folders: foldersRouter,
  console: consoleRouter,
});

export type AppRouter = typeof appRouter;

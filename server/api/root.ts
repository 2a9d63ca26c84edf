import { router } from "./trpc";
import { authRouter } from "./routers/auth";
import { settingsRouter } from "./routers/settings";
import { systemRouter } from "./routers/system";
import { devicesRouter } from "./routers/devices";
import { foldersRouter } from "./routers/folders";
import { consoleRouter } from "./routers/console";
import { conflictsRouter } from "./routers/conflicts";
import { versionsRouter } from "./routers/versions";

/** One router per domain; later features add theirs here. */
export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
  system: systemRouter,
  devices: devicesRouter,
  folders: foldersRouter,
  console: consoleRouter,
  conflicts: conflictsRouter,
  versions: versionsRouter,
});

export type AppRouter = typeof appRouter;

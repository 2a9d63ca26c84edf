import { router } from "./trpc";
import { authRouter } from "./routers/auth";
import { settingsRouter } from "./routers/settings";
import { systemRouter } from "./routers/system";
import { devicesRouter } from "./routers/devices";
import { foldersRouter } from "./routers/folders";
import { plansRouter } from "./routers/plans";
import { runsRouter } from "./routers/runs";
import { failoverRouter } from "./routers/failover";
import { secretsRouter } from "./routers/secrets";
import { consoleRouter } from "./routers/console";
import { conflictsRouter } from "./routers/conflicts";
import { versionsRouter } from "./routers/versions";
import { drConsoleRouter } from "./routers/dr-console";

/** One router per domain; later features add theirs here. */
export const appRouter = router({
  auth: authRouter,
  settings: settingsRouter,
  system: systemRouter,
  devices: devicesRouter,
  folders: foldersRouter,
  plans: plansRouter,
  runs: runsRouter,
  secrets: secretsRouter,
  failover: failoverRouter,
  console: consoleRouter,
  conflicts: conflictsRouter,
  versions: versionsRouter,
  drConsole: drConsoleRouter,
});

export type AppRouter = typeof appRouter;

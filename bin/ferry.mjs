#!/usr/bin/env node
// The `ferry` command: runs server/cli.ts through tsx, so `npx ferry …` works in a checkout.
import { register } from "tsx/esm/api";

register();
const { main } = await import(new URL("../server/cli.ts", import.meta.url).href);
await main();

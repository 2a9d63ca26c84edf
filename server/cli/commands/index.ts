import type { Command } from "../command";
import conflicts from "./conflicts";
import device from "./device";
import failover from "./failover";
import folder from "./folder";
import id from "./id";
import pending from "./pending";
import plan from "./plan";
import run from "./run";
import status from "./status";
import versions from "./versions";

/** Every command, one file each; a new command is one import here. */
export const commands: Command[] = [id, status, device, folder, pending, conflicts, versions, plan, run, failover];

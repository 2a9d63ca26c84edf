import type { Command } from "../command";
import device from "./device";
import folder from "./folder";
import id from "./id";
import pending from "./pending";
import status from "./status";

/** Every command, one file each; a new command is one import here. */
export const commands: Command[] = [id, status, device, folder, pending];

import type { Command } from "../command";
import id from "./id";
import status from "./status";

/** Every command, one file each; a new command is one import here. */
export const commands: Command[] = [id, status];

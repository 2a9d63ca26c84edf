// Worker side of HashPool: hashes one block range of one file per message.
import { parentPort } from "node:worker_threads";
import { hashFile } from "./blocks";
import type { HashTask, HashTaskResult } from "./hash-pool";

parentPort!.on("message", (task: HashTask) => {
  hashFile(task.path, { blockSize: task.blockSize, firstBlock: task.firstBlock, blockCount: task.blockCount, weakHash: task.weakHash }).then(
    (hashed) => parentPort!.postMessage({ id: task.id, blocks: hashed.blocks } satisfies HashTaskResult),
    (err: Error) => parentPort!.postMessage({ id: task.id, error: err.message } satisfies HashTaskResult),
  );
});

// Worker side of HashPool: hashes one block range of one file per message. Plain JavaScript (see
// hash-core.mjs); the messages are HashTask and HashTaskResult of hash-pool.ts.
import { parentPort } from "node:worker_threads";
import { hashFileRange } from "./hash-core.mjs";

parentPort.on("message", (task) => {
  hashFileRange(task.path, { blockSize: task.blockSize, firstBlock: task.firstBlock, blockCount: task.blockCount, weakHash: task.weakHash }).then(
    (hashed) => parentPort.postMessage({ id: task.id, blocks: hashed.blocks }),
    (err) => parentPort.postMessage({ id: task.id, error: err.message }),
  );
});

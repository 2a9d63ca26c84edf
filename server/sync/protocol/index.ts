/** The BEP v1 wire protocol as pure functions over bytes (no sockets, disks or databases). */
export { ProtocolError } from "./errors";
export { DeviceId, luhn32, shortIdToString } from "./deviceid";
export * from "./fileinfo";
export { checkFileInfo, checkFilename, checkIndex } from "./consistency";
export * from "./messages";
export * from "./framing";
export { lz4CompressBlock, lz4DecompressBlock, lz4CompressBound } from "./lz4";

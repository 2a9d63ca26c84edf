/**
 * The one error class the protocol layer throws for malformed or hostile input.
 * Callers can treat any ProtocolError as "close this connection" without
 * guessing whether it came from framing, LZ4, protobuf or a field check.
 */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

import { X509Certificate, createPrivateKey } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { generateDeviceCertificate } from "./certificate";
import { DeviceId } from "./protocol/deviceid";

export const CERT_FILE = "cert.pem";
export const KEY_FILE = "key.pem";

/** This node's TLS identity: the certificate and key it presents to peers, and the device ID they derive. */
export interface Identity {
  certPem: string;
  keyPem: string;
  certDer: Buffer;
  deviceId: string;
  id: DeviceId;
}

export class IdentityError extends Error {}

function read(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new IdentityError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * Loads cert.pem and key.pem from the home directory, or creates them when this is the node's first
 * start (`firstStart`: the database has no identity recorded yet). A missing or corrupt file on a
 * node that had an identity is an error naming the file: a silent new identity would make every
 * peer treat this node as a stranger.
 */
export function loadOrCreateIdentity(home: string, firstStart: boolean): { identity: Identity; created: boolean } {
  const certFile = path.join(home, CERT_FILE);
  const keyFile = path.join(home, KEY_FILE);
  const haveCert = fs.existsSync(certFile);
  const haveKey = fs.existsSync(keyFile);
  let created = false;
  if (!haveCert && !haveKey && firstStart) {
    const { certPem, keyPem } = generateDeviceCertificate();
    fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
    fs.writeFileSync(certFile, certPem, { mode: 0o644 });
    created = true;
  } else if (!haveCert) {
    throw new IdentityError(`${certFile}: missing. This node already has an identity; restore the file from a backup (a new certificate would change the device ID).`);
  } else if (!haveKey) {
    throw new IdentityError(`${keyFile}: missing. Restore it from a backup together with ${CERT_FILE}.`);
  }
  const certPem = read(certFile);
  const keyPem = read(keyFile);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new IdentityError(`${certFile}: not a valid PEM certificate (${(err as Error).message})`);
  }
  try {
    const key = createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key)) throw new Error("the key does not belong to the certificate");
  } catch (err) {
    throw new IdentityError(`${keyFile}: ${(err as Error).message}`);
  }
  const id = DeviceId.fromCertificate(cert.raw);
  return { identity: { certPem, keyPem, certDer: cert.raw, id, deviceId: id.toString() }, created };
}

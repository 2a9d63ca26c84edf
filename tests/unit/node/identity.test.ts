import { X509Certificate, createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateIdentity, IdentityError } from "../../../server/sync/identity";
import { DeviceId } from "../../../server/sync/protocol/deviceid";
import { bootNode } from "../../../server/boot";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ferry-id-"));

describe("device identity", () => {
  it("creates a Syncthing-style certificate on first start and derives the device ID from its DER", () => {
    const home = tmp();
    const { identity, created } = loadOrCreateIdentity(home, true);
    expect(created).toBe(true);
    const cert = new X509Certificate(fs.readFileSync(path.join(home, "cert.pem")));
    expect(cert.subject).toContain("CN=syncthing");
    expect(cert.subject).toContain("O=Syncthing");
    expect(cert.subjectAltName).toBe("DNS:syncthing");
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    expect(cert.verify(cert.publicKey)).toBe(true);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365 * 86400_000);
    expect(Math.round(years)).toBe(20);
    expect(fs.statSync(path.join(home, "key.pem")).mode & 0o077).toBe(0);
    const raw = createHash("sha256").update(cert.raw).digest();
    expect(identity.deviceId).toBe(DeviceId.fromBytes(raw).toString());
    expect(identity.deviceId).toMatch(/^([A-Z2-7]{7}-){7}[A-Z2-7]{7}$/);
    // The same files give the same ID on the next start.
    expect(loadOrCreateIdentity(home, false).identity.deviceId).toBe(identity.deviceId);
  });

  it("refuses to start with a corrupt cert.pem, naming the file", () => {
    const home = tmp();
    loadOrCreateIdentity(home, true);
    fs.writeFileSync(path.join(home, "cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    expect(() => loadOrCreateIdentity(home, false)).toThrow(IdentityError);
    expect(() => loadOrCreateIdentity(home, false)).toThrow(path.join(home, "cert.pem"));
  });

  it("refuses to make a new identity when cert.pem of an existing node is missing", async () => {
    const opts = { home: tmp(), gui: null, listen: null, discovery: false, adminPassword: "pw-123456", dev: false };
    const first = await bootNode(opts);
    first.dbHandle.close();
    fs.rmSync(path.join(opts.home, "cert.pem"));
    fs.rmSync(path.join(opts.home, "key.pem"));
    await expect(bootNode(opts)).rejects.toThrow(/cert\.pem: missing/);
    expect(fs.existsSync(path.join(opts.home, "cert.pem"))).toBe(false);
  });

  it("refuses a key that does not belong to the certificate", () => {
    const a = tmp();
    const b = tmp();
    loadOrCreateIdentity(a, true);
    loadOrCreateIdentity(b, true);
    fs.copyFileSync(path.join(b, "key.pem"), path.join(a, "key.pem"));
    expect(() => loadOrCreateIdentity(a, false)).toThrow(/key\.pem/);
  });
});

/**
 * Device certificates must load in OpenSSL (Node's X509Certificate and a TLS context) every time,
 * not 65,535 times in 65,536: a serial whose random bytes started 00 00 was encoded with a leading
 * zero OpenSSL rejects ("asn1 encoding routines::illegal padding"), and a node then failed to start.
 */
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { generateDeviceCertificate, positiveIntegerContent } from "../../../server/sync/certificate";

/** Random bytes that begin with `prefix` (hex), the rest fixed, for serials chance rarely gives. */
const bytesStartingWith = (prefix: string) => (size: number) => Buffer.concat([Buffer.from(prefix, "hex"), Buffer.alloc(size, 0x5a)]).subarray(0, size);

function load(certPem: string, keyPem: string): X509Certificate {
  const cert = new X509Certificate(certPem);
  tls.createSecureContext({ cert: certPem, key: keyPem });
  return cert;
}

describe("device certificate serial numbers", () => {
  it.each([
    ["0000", "5A5A5A5A5A5A"], // two zero octets: the encoding OpenSSL refused
    ["000000000000", "5A5A"],
    ["00", "5A5A5A5A5A5A5A"], // one zero octet
    ["0080", "805A5A5A5A5A5A"], // a stripped zero exposes a high bit: needs its 00 back
    ["ff", "7F5A5A5A5A5A5A5A"], // bit 63 is cleared: serials stay below 2^63, like Syncthing's
    ["0000000000000000", "01"], // zero is no valid serial
  ])("random bytes %s… give a certificate OpenSSL loads, serial %s", (prefix, serial) => {
    const { certPem, keyPem } = generateDeviceCertificate("syncthing", new Date(), bytesStartingWith(prefix));
    const cert = load(certPem, keyPem);
    // Node prints the serial with an even number of hex digits; compare the number, not the padding.
    expect(BigInt(`0x${cert.serialNumber}`)).toBe(BigInt(`0x${serial}`));
  });

  it("encodes positive integers in minimal DER", () => {
    const hex = (s: string) => Buffer.from(s, "binary").toString("hex");
    expect(hex(positiveIntegerContent(Buffer.from("00000012", "hex")))).toBe("12");
    expect(hex(positiveIntegerContent(Buffer.from("000085", "hex")))).toBe("0085");
    expect(hex(positiveIntegerContent(Buffer.from("7f00", "hex")))).toBe("7f00");
    expect(hex(positiveIntegerContent(Buffer.from("0000", "hex")))).toBe("01");
  });

  it("2,000 random certificates all load, each with its own serial", () => {
    const serials = new Set<string>();
    const failures: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const { certPem, keyPem } = generateDeviceCertificate();
      try {
        serials.add(load(certPem, keyPem).serialNumber);
      } catch (err) {
        failures.push(`${(err as Error).message}\n${certPem}`);
      }
    }
    expect(failures).toEqual([]);
    expect(serials.size).toBe(2000);
  }, 120_000);
});

describe("device certificate validity", () => {
  it("a certificate made in 2031 is valid until 2051, written as GeneralizedTime (RFC 5280), not read as 1951", () => {
    const { certPem } = generateDeviceCertificate("syncthing", new Date(Date.UTC(2031, 4, 17, 12)));
    const cert = new X509Certificate(certPem);
    expect(new Date(cert.validFrom).getUTCFullYear()).toBe(2031);
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2051);
    expect(() => tls.createSecureContext({ cert: certPem })).not.toThrow();
  });

  it("one made today is valid for 20 years from today's date", () => {
    const { certPem } = generateDeviceCertificate("syncthing");
    const cert = new X509Certificate(certPem);
    const years = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / (365 * 86400_000);
    expect(years).toBeCloseTo(20, 0);
  });
});

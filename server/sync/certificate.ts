import { generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";

const { asn1 } = forge;
const OID = {
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
  commonName: "2.5.4.3",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  basicConstraints: "2.5.29.19",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
};

const LIFETIME_DAYS = 20 * 365; // Syncthing's deviceCertLifetimeDays

const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (id: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const utf8 = (s: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(s));
const bool = (b: boolean) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, b ? "\xff" : "\x00");
const octets = (node: forge.asn1.Asn1) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(node).getBytes());
const bits = (bytes: string, unused = 0) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(unused) + bytes);
const fromDer = (buf: Buffer) => asn1.fromDer(forge.util.createBuffer(buf.toString("binary")));

function name(commonName: string) {
  const rdn = (type: string, value: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [seq([oid(type), utf8(value)])]);
  return seq([rdn(OID.organization, "Syncthing"), rdn(OID.organizationalUnit, "Automatically Generated"), rdn(OID.commonName, commonName)]);
}

function extension(id: string, critical: boolean, value: forge.asn1.Asn1) {
  return seq(critical ? [oid(id), bool(true), octets(value)] : [oid(id), octets(value)]);
}

/**
 * The content octets of a positive INTEGER in minimal DER: no leading zero octet unless the next
 * octet's top bit is set. OpenSSL rejects any other zero ("asn1 encoding routines::illegal padding"),
 * and forge's toDer strips at most one, so random serials starting 00 00 (1 in 65,536 with 8 random
 * bytes) made certificates that no TLS stack would load. Zero is not a valid serial (RFC 5280), so it becomes 1.
 */
export function positiveIntegerContent(magnitude: Buffer): string {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  const digits = magnitude.subarray(i);
  if (digits.length === 0) return "\x01";
  return (digits[0] & 0x80 ? "\x00" : "") + digits.toString("binary");
}

/** A random serial below 2^63, as Syncthing's (a positive int63). */
function serialBytes(random: (size: number) => Buffer): string {
  const raw = Buffer.from(random(8));
  raw[0] &= 0x7f;
  return positiveIntegerContent(raw);
}

export interface GeneratedCertificate {
  certPem: string;
  keyPem: string;
}

/**
 * A device certificate the way Syncthing makes one (bep.md §1): self-signed ECDSA P-384 with
 * ecdsa-with-SHA256, O=Syncthing, OU=Automatically Generated, CN and SAN DNS = commonName,
 * NotBefore today at 00:00 UTC, 20 years of validity, digitalSignature+keyEncipherment,
 * serverAuth+clientAuth, CA:false. node-forge builds the DER structure; Node's crypto signs,
 * because forge's X.509 writer only knows RSA keys.
 */
export function generateDeviceCertificate(
  commonName = "syncthing",
  now = new Date(),
  // Only tests pass their own, to hit serials that random bytes give once in tens of thousands.
  random: (size: number) => Buffer = randomBytes,
): GeneratedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  const notBefore = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const notAfter = new Date(notBefore.getTime() + LIFETIME_DAYS * 86400_000);
  const sigAlg = seq([oid(OID.ecdsaWithSHA256)]);
  const spki = fromDer(publicKey.export({ type: "spki", format: "der" }));
  const dnsName = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, commonName);
  const extensions = seq([
    extension(OID.keyUsage, true, bits(String.fromCharCode(0xa0), 5)),
    extension(OID.extKeyUsage, false, seq([oid(OID.serverAuth), oid(OID.clientAuth)])),
    extension(OID.basicConstraints, true, seq([])),
    extension(OID.subjectAltName, false, seq([dnsName])),
  ]);
  const tbs = seq([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, "\x02")]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, serialBytes(random)),
    sigAlg,
    name(commonName),
    seq([
      certificateTime(notBefore),
      certificateTime(notAfter),
    ]),
    name(commonName),
    spki,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [extensions]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), "binary");
  const signature = sign("sha256", tbsDer, privateKey as KeyObject);
  const cert = seq([tbs, sigAlg, bits(signature.toString("binary"))]);
  const der = Buffer.from(asn1.toDer(cert).getBytes(), "binary");
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
  // Sanity check before anything is written: Node must parse it and the signature must verify.
  if (!new X509Certificate(certPem).verify(publicKey)) throw new Error("generated certificate does not verify");
  return { certPem, keyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
}

/**
 * RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 (a UTCTime "50…" reads as
 * 1950). With 20 years of validity, certificates made from 2030 on end after 2049.
 */
function certificateTime(d: Date): forge.asn1.Asn1 {
  return d.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const API_KEY_FILE = "apikey";

/** Reads the API key kept in the home directory, creating it (mode 0600) on first start. */
export function loadOrCreateApiKey(home: string): string {
  const file = path.join(home, API_KEY_FILE);
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, "utf8").trim();
    if (key.length >= 32) return key;
    throw new Error(`${file}: API key is shorter than 32 characters; delete the file to generate a new one`);
  }
  return writeApiKey(home);
}

export function writeApiKey(home: string): string {
  const key = randomBytes(24).toString("base64url");
  const file = path.join(home, API_KEY_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, key + "\n", { mode: 0o600 });
  fs.renameSync(tmp, file);
  return key;
}

/** Constant-time comparison, so the key can't be guessed byte by byte from response times. */
export function apiKeyMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(given).digest();
  return timingSafeEqual(a, b);
}

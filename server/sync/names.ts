// Naming rules shared by the scanner and the puller: conflict copies, temp files, and which
// names from a peer may touch the disk at all.
import { createHash } from "node:crypto";
import { lstatSync } from "node:fs";
import path from "node:path";

// ---- conflict copies ----

const CONFLICT_MARKER = ".sync-conflict-";
const SHORT_ID_RE = /^[A-Z2-7]{7}$/;

/** Go's filepath.Ext: the last ".xxx" of the final element, possibly empty. */
export function goExt(name: string): string {
  for (let i = name.length - 1; i >= 0 && name[i] !== "/"; i--) {
    if (name[i] === ".") return name.slice(i);
  }
  return "";
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Syncthing's conflict copy name: `<name minus ext>.sync-conflict-YYYYMMDD-HHMMSS-<ID><ext>`.
 * The marker goes before the LAST extension (`a.tar.gz` → `a.tar.sync-conflict-….gz`); a
 * dotfile is all extension (`.hidden` → `.sync-conflict-….hidden`). The time is the renaming
 * host's local time, and the ID is the ShortID of the device whose version WON.
 */
export function conflictName(name: string, winnerShortId: string, when: Date = new Date()): string {
  if (!SHORT_ID_RE.test(winnerShortId)) {
    throw new RangeError(`conflict names need a 7-character ShortID (A-Z, 2-7), got ${JSON.stringify(winnerShortId)}`);
  }
  const ext = goExt(name);
  const stamp =
    `${pad(when.getFullYear(), 4)}${pad(when.getMonth() + 1)}${pad(when.getDate())}-` +
    `${pad(when.getHours())}${pad(when.getMinutes())}${pad(when.getSeconds())}`;
  return `${name.slice(0, name.length - ext.length)}${CONFLICT_MARKER}${stamp}-${winnerShortId}${ext}`;
}

/** Syncthing's test: such files are never conflict-copied again, just replaced. */
export function isConflictName(name: string): boolean {
  return baseName(name).includes(CONFLICT_MARKER);
}

export interface ParsedConflictName {
  /** The name the copy was made from, directories included. */
  original: string;
  /** Local time of the rename, to the second. */
  time: Date;
  shortId: string;
}

const CONFLICT_RE = /^(.*)\.sync-conflict-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-([A-Z2-7]{7})(\.[^./]*)?$/s;

/** Parses a name made by conflictName; null for anything else (including near misses). */
export function parseConflictName(name: string): ParsedConflictName | null {
  const slash = name.lastIndexOf("/");
  const m = CONFLICT_RE.exec(name.slice(slash + 1));
  if (!m) return null;
  const [, stem, y, mo, d, h, mi, s, shortId, ext = ""] = m;
  const time = new Date(+y, +mo - 1, +d, +h, +mi, +s);
  // Reject impossible dates (Date would roll 20260231 over into March).
  if (time.getMonth() !== +mo - 1 || time.getDate() !== +d || time.getHours() !== +h || time.getMinutes() !== +mi) return null;
  return { original: name.slice(0, slash + 1) + stem + ext, time, shortId };
}

const escapeRe = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

/**
 * True if `candidate` (a sibling's full name) is a conflict copy of `name` by Syncthing's
 * cleanup glob `<stem>.sync-conflict-????????-??????*<ext>`, used to enforce maxConflicts.
 */
export function isConflictCopyOf(candidate: string, name: string): boolean {
  const ext = goExt(name);
  const stem = name.slice(0, name.length - ext.length);
  return new RegExp(`^${escapeRe(stem)}\\.sync-conflict-[^/]{8}-[^/]{6}[^/]*${escapeRe(ext)}$`, "su").test(candidate);
}

// ---- temp files ----

export const UNIX_TEMP_PREFIX = ".syncthing.";
export const WINDOWS_TEMP_PREFIX = "~syncthing~";
// Syncthing switches to a hashed name early because some filesystems (encfs) allow far less
// than 255 bytes: 160 − len(".syncthing.") − len(".tmp") = 145 bytes of base name.
const MAX_TEMP_BASE_BYTES = 160 - UNIX_TEMP_PREFIX.length - ".tmp".length;

function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/**
 * The temp file a download of `name` is written to, in the same directory:
 * `.syncthing.<base>.tmp`, or `.syncthing.<hex SHA-256 of base>.tmp` for bases over 145 bytes.
 * Peers ask for it by name with from_temporary, so it must match Syncthing byte for byte.
 */
export function tempName(name: string, prefix: string = UNIX_TEMP_PREFIX): string {
  const slash = name.lastIndexOf("/");
  const dir = name.slice(0, slash + 1);
  const base = name.slice(slash + 1);
  const tbase = Buffer.byteLength(base, "utf8") > MAX_TEMP_BASE_BYTES ? createHash("sha256").update(base, "utf8").digest("hex") : base;
  return `${dir}${prefix}${tbase}.tmp`;
}

/** Either prefix counts on every OS, as in Syncthing's fs.IsTemporary. */
export function isTemporaryName(name: string): boolean {
  const base = baseName(name);
  return base.startsWith(UNIX_TEMP_PREFIX) || base.startsWith(WINDOWS_TEMP_PREFIX);
}

const INTERNAL_NAMES = [".stfolder", ".stignore", ".stversions"];

/** `.stfolder`, `.stignore`, `.stversions` at the folder root, or anything below them. */
export function isInternalName(name: string): boolean {
  return INTERNAL_NAMES.some((n) => name === n || name.startsWith(n + "/"));
}

// ---- names from peers ----

export const MAX_COMPONENT_BYTES = 255; // NAME_MAX on Linux filesystems
export const MAX_NAME_BYTES = 4095; // PATH_MAX minus the terminating NUL

export type RemoteNameProblem =
  | "empty"
  | "absolute"
  | "not-canonical"
  | "dot-component"
  | "nul"
  | "invalid-unicode"
  | "not-nfc"
  | "too-long"
  | "internal"
  | "temporary";

export type RemoteNameCheck = { ok: true } | { ok: false; problem: RemoteNameProblem; reason: string };

const reject = (problem: RemoteNameProblem, reason: string): RemoteNameCheck => ({ ok: false, problem, reason });

/**
 * Checks a FileInfo/Request name from a peer before it reaches the disk.
 *
 * - empty, absolute, `.`/`..`, `//`, trailing `/`: Syncthing's checkFilename closes the
 *   connection for these ("filename not in canonical format"); the caller should too.
 * - "internal" and "temporary": Syncthing's ShouldIgnore treats these as ignored (never
 *   written, Requests answered INVALID_FILE), so the caller should mark them invalid rather
 *   than fail the peer.
 * - NUL and lone surrogates cannot name a Linux file; non-NFC names break the spec's
 *   canonical form and would sync as a second copy beside the NFC one.
 * - Accepted on purpose, as Syncthing on Linux does: backslashes (an ordinary byte in a Linux
 *   name; only Windows builds reject them), and other control characters.
 */
export function validateRemoteName(name: string): RemoteNameCheck {
  if (name === "") return reject("empty", "name is empty");
  if (name.includes("\0")) return reject("nul", "name contains a NUL byte");
  if (/\p{Surrogate}/u.test(name)) return reject("invalid-unicode", "name is not valid Unicode (lone surrogate)");
  if (name.startsWith("/")) return reject("absolute", "name is an absolute path");
  if (Buffer.byteLength(name, "utf8") > MAX_NAME_BYTES) return reject("too-long", `name is longer than ${MAX_NAME_BYTES} bytes`);
  for (const component of name.split("/")) {
    if (component === "") return reject("not-canonical", "name has an empty component (double or trailing slash)");
    if (component === "." || component === "..") return reject("dot-component", `name has a "${component}" component`);
    if (Buffer.byteLength(component, "utf8") > MAX_COMPONENT_BYTES) {
      return reject("too-long", `a component is longer than ${MAX_COMPONENT_BYTES} bytes`);
    }
  }
  if (name.normalize("NFC") !== name) return reject("not-nfc", "name is not in Unicode NFC form");
  if (isInternalName(name)) return reject("internal", "name is Syncthing-internal (.stfolder, .stignore, .stversions)");
  if (isTemporaryName(name)) return reject("temporary", "name has Syncthing's temp-file prefix");
  return { ok: true };
}

export class PathEscapeError extends Error {
  constructor(
    readonly root: string,
    readonly name: string,
    detail: string,
  ) {
    super(`${JSON.stringify(name)} ${detail} of folder ${root}`);
    this.name = "PathEscapeError";
  }
}

/** Absolute path of a folder-relative name; throws if the name leaves the folder lexically. */
export function resolveInFolder(root: string, name: string): string {
  if (name.includes("\0")) throw new PathEscapeError(root, name, "contains a NUL byte and cannot be a path");
  const absRoot = path.resolve(root);
  const abs = path.resolve(absRoot, name);
  const rel = path.relative(absRoot, abs);
  if (rel === ".." || rel.startsWith("../") || path.isAbsolute(rel)) throw new PathEscapeError(root, name, "resolves outside");
  return abs;
}

/**
 * Throws if any existing directory between the root and `rel`'s parent is a symlink (or not a
 * directory): writing through one would land outside the folder. Missing parents are fine —
 * the puller creates them. The leaf itself is not checked; replacing it is the puller's call.
 */
export async function assertNoSymlinkInParents(root: string, rel: string): Promise<void> {
  const abs = resolveInFolder(root, rel);
  const parts = path.relative(path.resolve(root), abs).split(path.sep).slice(0, -1);
  let current = path.resolve(root);
  for (const part of parts) {
    current = path.join(current, part);
    // Synchronous: a metadata lookup costs less than an async call's thread-pool round trip (time-slice.ts).
    const info = lstatSync(current, { throwIfNoEntry: false });
    if (!info) return;
    if (info.isSymbolicLink()) throw new PathEscapeError(root, rel, `passes through the symlink ${current} inside`);
    if (!info.isDirectory()) throw new PathEscapeError(root, rel, `has the non-directory ${current} as a parent inside`);
  }
}

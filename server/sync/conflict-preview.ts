// What the conflict screen shows of both versions: text with a line diff, images inline (small
// ones only), anything else as metadata. Reads the disk; never writes.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { resolveInFolder } from "./names";

export const TEXT_PREVIEW_MAX = 1024 * 1024;
export const IMAGE_PREVIEW_MAX = 4 * 1024 * 1024;
/** Beyond this many lines or edits the diff costs more than it tells; both sides are shown instead. */
export const DIFF_MAX_LINES = 20_000;
export const DIFF_MAX_EDITS = 4_000;

export interface SidePreview {
  kind: "text" | "image" | "binary" | "missing";
  size: number;
  modifiedMs: number;
  sha256: string | null;
  text?: string;
  mime?: string;
  dataBase64?: string;
  /** Why a file that could be shown is not (too large). */
  note?: string;
}

export interface DiffLine {
  op: "=" | "-" | "+";
  text: string;
}

export interface DiffHunk {
  /** 1-based first line in the current file and in the conflict copy. */
  aStart: number;
  bStart: number;
  lines: DiffLine[];
}

export interface ConflictPreview {
  current: SidePreview;
  conflict: SidePreview;
  /** Current → conflict copy, when both are text; null with diffNote otherwise. */
  diff: DiffHunk[] | null;
  diffNote?: string;
}

const startsWith = (buf: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => buf[at + i] === b);

/** Image type by magic bytes (PNG, JPEG, GIF, WebP, BMP); null for anything else. SVG counts as text. */
export function detectImage(buf: Buffer): string | null {
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (buf.subarray(0, 6).toString("latin1") === "GIF87a" || buf.subarray(0, 6).toString("latin1") === "GIF89a") return "image/gif";
  if (buf.subarray(0, 4).toString("latin1") === "RIFF" && buf.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  if (buf.length > 14 && buf.subarray(0, 2).toString("latin1") === "BM") return "image/bmp";
  return null;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Text: valid UTF-8 without NUL bytes (what git and most editors treat as text). */
export function isText(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  try {
    utf8.decode(buf);
    return true;
  } catch {
    return false;
  }
}

export async function previewFile(abs: string): Promise<SidePreview> {
  const st = await fs.lstat(abs).catch(() => null);
  if (!st?.isFile()) return { kind: "missing", size: 0, modifiedMs: 0, sha256: null };
  const base = { size: st.size, modifiedMs: Math.floor(st.mtimeMs) };
  const head = Buffer.alloc(Math.min(st.size, 64));
  const fh = await fs.open(abs, "r");
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const sha256 = createHash("sha256");
  const mime = detectImage(head);
  if (mime) {
    if (st.size > IMAGE_PREVIEW_MAX) return { ...base, kind: "binary", mime, sha256: await hashFile(abs), note: `image larger than ${IMAGE_PREVIEW_MAX} bytes` };
    const data = await fs.readFile(abs);
    return { ...base, kind: "image", mime, sha256: sha256.update(data).digest("hex"), dataBase64: data.toString("base64") };
  }
  if (st.size > TEXT_PREVIEW_MAX) return { ...base, kind: "binary", sha256: await hashFile(abs), note: `larger than ${TEXT_PREVIEW_MAX} bytes` };
  const data = await fs.readFile(abs);
  const hash = sha256.update(data).digest("hex");
  return isText(data) ? { ...base, kind: "text", sha256: hash, text: data.toString("utf8") } : { ...base, kind: "binary", sha256: hash };
}

async function hashFile(abs: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of (await fs.open(abs, "r")).createReadStream()) h.update(chunk as Buffer);
  return h.digest("hex");
}

const splitLines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));

/**
 * Myers' O((N+M)·D) line diff; null if more than maxEdits lines differ. Keeps one snapshot of the
 * frontier per edit step (O(D²) memory) to walk the path back.
 */
export function diffLines(a: string[], b: string[], maxEdits = DIFF_MAX_EDITS): DiffLine[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, maxEdits) && found < 0; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    trace.push(v.slice(off - d, off + d + 1));
  }
  if (found < 0) return null;
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1];
    const at = (k: number) => prev[k + d - 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: "=", text: a[--x] });
      y--;
    }
    if (x === prevX) out.push({ op: "+", text: b[--y] });
    else out.push({ op: "-", text: a[--x] });
  }
  // What is left is the common start, where x and y move together.
  while (x > 0) out.push({ op: "=", text: a[--x] });
  return out.reverse();
}

/** Groups a diff into hunks with `context` unchanged lines around each change. */
export function toHunks(lines: DiffLine[], context = 3): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let aLine = 1;
  let bLine = 1;
  let current: DiffHunk | null = null;
  let lastChange = -Infinity;
  lines.forEach((line, i) => {
    const changed = line.op !== "=";
    const nextChange = lines.slice(i, i + context + 1).findIndex((l) => l.op !== "=");
    const near = changed || i - lastChange <= context || nextChange >= 0;
    if (near) {
      if (!current) {
        current = { aStart: aLine, bStart: bLine, lines: [] };
        hunks.push(current);
      }
      current.lines.push(line);
    } else current = null;
    if (changed) lastChange = i;
    if (line.op !== "+") aLine++;
    if (line.op !== "-") bLine++;
  });
  return hunks;
}

/** Both sides of a conflict, read from the folder, with a diff when both are text. */
export async function previewConflict(root: string, name: string, conflictName: string): Promise<ConflictPreview> {
  const [current, conflict] = await Promise.all([previewFile(resolveInFolder(root, name)), previewFile(resolveInFolder(root, conflictName))]);
  if (current.kind !== "text" || conflict.kind !== "text") return { current, conflict, diff: null, diffNote: "a line diff needs text on both sides" };
  const a = splitLines(current.text!);
  const b = splitLines(conflict.text!);
  if (a.length > DIFF_MAX_LINES || b.length > DIFF_MAX_LINES) return { current, conflict, diff: null, diffNote: `more than ${DIFF_MAX_LINES} lines` };
  const diff = diffLines(a, b);
  if (!diff) return { current, conflict, diff: null, diffNote: `more than ${DIFF_MAX_EDITS} lines differ` };
  return { current, conflict, diff: toHunks(diff) };
}

// Syncthing `.stignore` matching (semantics of Syncthing 1.19 lib/ignore with gobwas/glob).
//
// How a line becomes patterns, exactly as Syncthing does it:
// - Lines are trimmed; empty lines, `//` comments and lines already seen (in any file) are skipped.
// - `#include FILE` loads FILE relative to the directory of the file that includes it.
// - `x/**` stays as is, `x/` becomes `x/**` (the contents, not the directory), anything else
//   becomes `x` and `x/**` (the item and everything below it).
// - Each of those drops its `!`, `(?i)`, `(?d)` prefixes (any order, each once), then:
//   `/y` matches `y` from the root only, `**/y` matches `**/y` and `y`, other `y` match `y` and
//   `**/y`. So every pattern without a leading slash matches at any depth, even `a/b`.
// - The first matching line decides. Paths are never marked as directories: Syncthing matches
//   the path string only, which is why there is no `isDir` argument.
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { isInternalName, isTemporaryName } from "./names";

export interface IgnoreResult {
  ignored: boolean;
  /** Ignored and marked `(?d)`: may be removed when it blocks deleting its parent directory. */
  deletable: boolean;
}

export interface IgnorePattern {
  /** Folder-relative file the line came from, e.g. ".stignore" or "shared/ignores.txt". */
  source: string;
  /** 1-based line number in `source`. */
  lineNumber: number;
  /** The trimmed line as written. */
  line: string;
  /** False for `!` lines, whose matches are synced. */
  ignored: boolean;
  foldCase: boolean;
  deletable: boolean;
  /** Syncthing's expansion of the line into globs, e.g. ["foo", "**\/foo", "foo/**", "**\/foo/**"]. */
  globs: string[];
  regex: RegExp;
}

export type IgnoreReason = "internal" | "temporary" | "pattern" | "none";

export interface IgnoreExplanation extends IgnoreResult {
  reason: IgnoreReason;
  /** The line that decided, when reason is "pattern". */
  pattern?: IgnorePattern;
}

export interface IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  /** Lines of the top-level file as written (trimmed), for an editor. */
  readonly lines: readonly string[];
  /**
   * True when the walker may skip descending into an ignored directory: no `!` line could
   * re-include something below it (Syncthing's rule: only `!/name` lines are harmless).
   */
  readonly skipIgnoredDirs: boolean;
  match(relPath: string): IgnoreResult;
  explain(relPath: string): IgnoreExplanation;
}

export class IgnoreParseError extends Error {
  constructor(
    readonly source: string,
    readonly lineNumber: number,
    readonly line: string,
    problem: string,
  ) {
    super(`${source}:${lineNumber}: ${problem} (line: ${JSON.stringify(line)})`);
    this.name = "IgnoreParseError";
  }
}

export interface ParseIgnoreOptions {
  /** Folder-relative name of the text being parsed; default ".stignore". */
  source?: string;
  /**
   * Returns the text of a folder-relative include file, or throws (an ENOENT error is reported
   * as a missing file). Synchronous so that a UI can preview patterns without async plumbing.
   */
  readInclude?: (relPath: string) => string;
}

export const IGNORE_FILE_NAME = ".stignore";

const NOT_IGNORED: IgnoreResult = Object.freeze({ ignored: false, deletable: false });
const IGNORED: IgnoreResult = Object.freeze({ ignored: true, deletable: false });
// Syncthing removes stale temp files itself when they block a directory removal.
const IGNORED_DELETABLE: IgnoreResult = Object.freeze({ ignored: true, deletable: true });

// ---- glob → RegExp (gobwas/glob with '/' as separator) ----

class GlobSyntaxError extends Error {}

const TEXT_BREAKERS = "?*[{";
const TERMS_BREAKERS = "?*[{},";

function escapeLiteral(cp: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(cp) ? "\\" + cp : cp;
}

function escapeInClass(cp: string): string {
  return "\\u{" + cp.codePointAt(0)!.toString(16) + "}";
}

export interface CompiledGlob {
  source: string;
  /** Literal text runs outside `{}`: every match contains each of them (a cheap prefilter). */
  literals: string[];
}

/**
 * Regex source for one glob. Mirrors gobwas' lexer quirks, because they decide what users'
 * existing `.stignore` files mean: a class is either one range `[a-z]` or a list `[abc]`
 * (so `[a-z0-9]` is an error), `!` negates a class and then matches `/` too, `]`, `}` and `,`
 * outside their constructs are literals, a trailing `\` is dropped, and an unclosed `{` is
 * closed at the end.
 */
export function compileGlob(glob: string): CompiledGlob {
  const cps = Array.from(glob);
  const literals: string[] = [];
  let i = 0;
  let depth = 0;
  let out = "";
  const eof = () => i >= cps.length;

  const readClass = () => {
    let negate = false;
    if (cps[i] === "!") {
      negate = true;
      i++;
    }
    if (eof()) throw new GlobSyntaxError("unclosed character class '['");
    if (cps[i + 1] === "-") {
      const lo = cps[i];
      const hi = cps[i + 2];
      i += 3;
      if (hi === undefined) throw new GlobSyntaxError("unclosed character class '['");
      if (cps[i] !== "]") {
        throw new GlobSyntaxError(eof() ? "unclosed character class '['" : "a class holds one range or one list of characters, e.g. [a-z] or [abc]");
      }
      i++;
      if (hi.codePointAt(0)! < lo.codePointAt(0)!) throw new GlobSyntaxError(`range ${lo}-${hi} is reversed`);
      return `[${negate ? "^" : ""}${escapeInClass(lo)}-${escapeInClass(hi)}]`;
    }
    let chars = "";
    let escaped = false;
    for (;;) {
      if (eof()) throw new GlobSyntaxError("unclosed character class '['");
      const c = cps[i++];
      if (!escaped && c === "\\") {
        escaped = true;
        continue;
      }
      if (!escaped && c === "]") break;
      escaped = false;
      chars += escapeInClass(c);
    }
    if (chars === "") throw new GlobSyntaxError("empty character class");
    return `[${negate ? "^" : ""}${chars}]`;
  };

  while (!eof()) {
    const c = cps[i];
    if (c === "{") {
      depth++;
      i++;
      out += "(?:";
    } else if (c === "," && depth > 0) {
      i++;
      out += "|";
    } else if (c === "}" && depth > 0) {
      depth--;
      i++;
      out += ")";
    } else if (c === "[") {
      i++;
      out += readClass();
    } else if (c === "?") {
      i++;
      out += "[^/]";
    } else if (c === "*") {
      if (cps[i + 1] === "*") {
        i += 2;
        out += ".*";
      } else {
        i++;
        out += "[^/]*";
      }
    } else {
      const breakers = depth > 0 ? TERMS_BREAKERS : TEXT_BREAKERS;
      let escaped = false;
      let text = "";
      while (!eof()) {
        const t = cps[i];
        if (!escaped) {
          if (t === "\\") {
            escaped = true;
            i++;
            continue;
          }
          if (breakers.includes(t)) break;
        }
        escaped = false;
        text += t;
        out += escapeLiteral(t);
        i++;
      }
      if (depth === 0 && text !== "") literals.push(text);
    }
  }
  return { source: out + ")".repeat(depth), literals };
}


// ---- line parsing ----

// Go's strings.TrimSpace (unicode.IsSpace); JS trim() differs on U+0085 and U+FEFF.
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const TRIM_RE = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, "gu");
const goTrimSpace = (s: string) => s.replace(TRIM_RE, "");

interface LineFlags {
  ignored: boolean;
  foldCase: boolean;
  deletable: boolean;
  rest: string;
}

function stripPrefixes(text: string): LineFlags {
  const flags = { ignored: true, foldCase: false, deletable: false, rest: text };
  const seen = { bang: false, i: false, d: false };
  for (;;) {
    if (flags.rest.startsWith("!") && !seen.bang) {
      seen.bang = true;
      flags.ignored = false;
      flags.rest = flags.rest.slice(1);
    } else if (flags.rest.startsWith("(?i)") && !seen.i) {
      seen.i = true;
      flags.foldCase = true;
      flags.rest = flags.rest.slice(4);
    } else if (flags.rest.startsWith("(?d)") && !seen.d) {
      seen.d = true;
      flags.deletable = true;
      flags.rest = flags.rest.slice(4);
    } else {
      return flags;
    }
  }
}

/** Syncthing's parseLine: the globs one (already suffix-expanded) pattern stands for. */
function expandPattern(glob: string): string[] {
  if (glob.startsWith("/")) return [glob.slice(1)];
  if (glob.startsWith("**/")) return [glob, glob.slice(3)];
  return [glob, "**/" + glob];
}

interface CompiledLine {
  flags: LineFlags;
  /** Syncthing's pattern list for the line, for display. */
  globs: string[];
  /** Syncthing's stored form of the line's first pattern (after prefixes). */
  firstPattern: string;
  regex: RegExp;
  literal: string;
}

/**
 * Compiles a line into one RegExp equal to the union of Syncthing's globs for it. The union
 * collapses: `y` ∪ `**\/y` is `(?:.*\/)?y`, and the added `/**` variant is `(?:\/.*)?`.
 */
function compileLine(line: string): CompiledLine {
  const variants = line.endsWith("/**") ? [line] : line.endsWith("/") ? [line + "**"] : [line, line + "/**"];
  const globs: string[] = [];
  let first: LineFlags | undefined;
  for (const variant of variants) {
    const f = stripPrefixes(variant);
    if (f.rest === "") throw new GlobSyntaxError("missing pattern after the prefixes");
    if (f.foldCase) f.rest = f.rest.toLowerCase();
    first ??= f;
    globs.push(...expandPattern(f.rest));
  }
  const pattern = first!.rest;
  const rooted = pattern.startsWith("/");
  const core = rooted ? pattern.slice(1) : pattern.startsWith("**/") ? pattern.slice(3) : pattern;
  const compiled = compileGlob(core);
  const contents = variants.length === 2 ? "(?:/.*)?" : "";
  const source = `^${rooted ? "" : "(?:.*/)?"}(?:${compiled.source})${contents}$`;
  const literal = compiled.literals.reduce((best, l) => (l.length > best.length ? l : best), "");
  return { flags: first!, globs, firstPattern: pattern, regex: new RegExp(source, "su"), literal };
}

/** Syncthing's allowsSkippingIgnoredDirs, applied to a line's first pattern. */
function allowsSkippingIgnoredDirs(ignored: boolean, firstPattern: string): boolean {
  if (ignored) return true;
  if (!firstPattern.startsWith("/")) return false;
  if (firstPattern.slice(1).includes("/")) return false;
  return !firstPattern.replace(/\*\*$/, "").includes("**");
}

function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "ENOENT";
}

interface ParseState {
  readInclude?: (relPath: string) => string;
  linesSeen: Set<string>;
  filesSeen: Set<string>;
  patterns: IgnorePattern[];
  /** Per pattern, a substring every match must contain ("" if none). */
  literals: string[];
  skipIgnoredDirs: boolean;
}

function parseFile(text: string, source: string, state: ParseState): string[] {
  const lines = text.split("\n").map((l) => goTrimSpace(l));
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (state.linesSeen.has(line)) return; // Syncthing skips repeated lines, across includes too
    state.linesSeen.add(line);
    if (line === "" || line.startsWith("//")) return;
    const fail = (problem: string): never => {
      throw new IgnoreParseError(source, lineNumber, line, problem);
    };

    if (line.startsWith("#include")) {
      // Split on the first space only, as Syncthing does; a tab is not a separator.
      const space = line.indexOf(" ");
      const rel = space < 0 ? "" : goTrimSpace(line.slice(space + 1));
      if (rel === "") fail("#include needs a file name");
      // Relative to the including file's directory; leaving the folder is allowed like Syncthing.
      const target = path.posix.join(path.posix.dirname(source), rel);
      if (state.filesSeen.has(target)) fail(`${target} is included more than once (include loop?)`);
      if (!state.readInclude) fail(`cannot read included file ${target}: no include reader given`);
      let included = "";
      try {
        included = state.readInclude!(target);
      } catch (err) {
        fail(isNotFound(err) ? `included file ${target} does not exist` : `cannot read included file ${target}: ${(err as Error).message}`);
      }
      state.filesSeen.add(target);
      parseFile(included, target, state);
      return;
    }

    let compiled: CompiledLine;
    try {
      compiled = compileLine(line);
    } catch (err) {
      if (err instanceof GlobSyntaxError || err instanceof SyntaxError) return fail(`invalid pattern: ${err.message}`);
      throw err;
    }
    const { flags, globs, regex, literal, firstPattern } = compiled;
    state.patterns.push({ source, lineNumber, line, ignored: flags.ignored, foldCase: flags.foldCase, deletable: flags.deletable, globs, regex });
    state.literals.push(literal);
    if (!allowsSkippingIgnoredDirs(flags.ignored, firstPattern)) state.skipIgnoredDirs = false;
  });
  return lines;
}

// ---- matching ----

function createMatcher(patterns: IgnorePattern[], literals: string[], lines: string[], skipIgnoredDirs: boolean): IgnoreMatcher {
  // A substring test rejects most lines for most paths long before a regex would.
  const findPattern = (relPath: string): IgnorePattern | undefined => {
    let lower: string | undefined;
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i];
      const subject = p.foldCase ? (lower ??= relPath.toLowerCase()) : relPath;
      const literal = literals[i];
      if (literal !== "" && !subject.includes(literal)) continue;
      if (p.regex.test(subject)) return p;
    }
    return undefined;
  };

  const explain = (relPath: string): IgnoreExplanation => {
    if (relPath === "" || relPath === ".") return { ...NOT_IGNORED, reason: "none" };
    if (isTemporaryName(relPath)) return { ...IGNORED_DELETABLE, reason: "temporary" };
    if (isInternalName(relPath)) return { ...IGNORED, reason: "internal" };
    const pattern = findPattern(relPath);
    if (!pattern) return { ...NOT_IGNORED, reason: "none" };
    return { ignored: pattern.ignored, deletable: pattern.ignored && pattern.deletable, reason: "pattern", pattern };
  };

  return {
    patterns,
    lines,
    skipIgnoredDirs,
    explain,
    match(relPath: string): IgnoreResult {
      if (relPath === "" || relPath === ".") return NOT_IGNORED;
      if (isTemporaryName(relPath)) return IGNORED_DELETABLE;
      if (isInternalName(relPath)) return IGNORED;
      const p = findPattern(relPath);
      if (!p) return NOT_IGNORED;
      if (!p.ignored) return NOT_IGNORED;
      return p.deletable ? IGNORED_DELETABLE : IGNORED;
    },
  };
}

/** Parses `.stignore` text. Throws IgnoreParseError naming file and line on any bad line. */
export function parseIgnore(text: string, options: ParseIgnoreOptions = {}): IgnoreMatcher {
  const source = options.source ?? IGNORE_FILE_NAME;
  const state: ParseState = {
    readInclude: options.readInclude,
    linesSeen: new Set(),
    filesSeen: new Set([path.posix.normalize(source)]),
    patterns: [],
    literals: [],
    skipIgnoredDirs: true,
  };
  const lines = parseFile(text, source, state);
  // A trailing newline is not a line of its own in an editor.
  if (lines.length > 0 && lines[lines.length - 1] === "" && text.endsWith("\n")) lines.pop();
  return createMatcher(state.patterns, state.literals, lines, state.skipIgnoredDirs);
}

/**
 * Loads `<folderRoot>/.stignore` with its includes. A missing `.stignore` means no patterns
 * (only Syncthing's internal and temp files are ignored); a missing include is an error.
 */
export async function loadIgnoreFile(folderRoot: string): Promise<IgnoreMatcher> {
  let text: string;
  try {
    text = await readFile(path.join(folderRoot, IGNORE_FILE_NAME), "utf8");
  } catch (err) {
    if (isNotFound(err)) return parseIgnore("");
    throw err;
  }
  // Includes are tiny and rare; reading them synchronously keeps parseIgnore synchronous.
  return parseIgnore(text, { readInclude: (rel) => readFileSync(path.join(folderRoot, rel), "utf8") });
}

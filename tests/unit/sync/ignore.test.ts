import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IgnoreParseError, compileGlob, loadIgnoreFile, parseIgnore } from "@/server/sync/ignore";

/** Paths the matcher ignores, out of `paths`. */
function ignoredOf(stignore: string, paths: string[]): string[] {
  const m = parseIgnore(stignore);
  return paths.filter((p) => m.match(p).ignored);
}

describe("Syncthing's documented example (docs.syncthing.net, Ignoring Files)", () => {
  const stignore = ["(?d).DS_Store", "!frobble", "!quuz", "foo", "*2", "qu*", "(?i)my pictures"].join("\n");
  const m = parseIgnore(stignore);
  it.each([
    [".DS_Store", true, true],
    ["foo", true, false],
    ["foofoo", false, false],
    ["bar", false, false],
    ["bar/baz", false, false],
    ["bar/quux", true, false],
    ["bar/quuz", false, false],
    // The docs list bar2 as synced only because the walker keeps a parent of an included child;
    // the matcher itself says "ignored" (first match "*2").
    ["bar2", true, false],
    ["bar2/baz", true, false],
    ["bar2/frobble", false, false],
    ["My Pictures", true, false],
    ["My Pictures/Img15.PNG", true, false],
  ])("%s → ignored=%s deletable=%s", (p, ignored, deletable) => {
    expect(m.match(p)).toEqual({ ignored, deletable });
  });
});

describe("pattern syntax", () => {
  it("a plain name matches at any depth, and everything below it", () => {
    expect(ignoredOf("foo", ["foo", "subdir/foo", "foo/x", "a/foo/b/c", "foofoo", "xfoo", "foo.txt"])).toEqual(["foo", "subdir/foo", "foo/x", "a/foo/b/c"]);
  });

  it("a pattern with a slash inside also matches at any depth (Syncthing adds **/ to it)", () => {
    expect(ignoredOf("a/b", ["a/b", "x/a/b", "a/b/c", "xa/b", "a/bc"])).toEqual(["a/b", "x/a/b", "a/b/c"]);
  });

  it("a leading slash anchors at the folder root", () => {
    expect(ignoredOf("/foo", ["foo", "foo/bar", "subdir/foo"])).toEqual(["foo", "foo/bar"]);
  });

  it("* stays within one component: te*st", () => {
    expect(ignoredOf("te*st", ["test", "subdir/telerest", "tele/rest"])).toEqual(["test", "subdir/telerest"]);
  });

  it("** crosses separators: te**st", () => {
    expect(ignoredOf("te**st", ["test", "subdir/telerest", "tele/sub/dir/rest"])).toEqual(["test", "subdir/telerest", "tele/sub/dir/rest"]);
  });

  it("? is one non-separator character: te??st", () => {
    expect(ignoredOf("te??st", ["tebest", "teb/st", "test"])).toEqual(["tebest"]);
  });

  it("*.txt matches by extension anywhere", () => {
    expect(ignoredOf("*.txt", ["a.txt", "d/e/b.txt", "a.txt.bak", "txt"])).toEqual(["a.txt", "d/e/b.txt"]);
  });

  it("foo/**/bar needs at least one directory between them", () => {
    expect(ignoredOf("foo/**/bar", ["foo/x/bar", "foo/x/y/bar", "up/foo/x/bar", "foo/bar"])).toEqual(["foo/x/bar", "foo/x/y/bar", "up/foo/x/bar"]);
  });

  it("**/foo also matches foo at the root", () => {
    expect(ignoredOf("**/foo", ["foo", "a/foo", "a/b/foo/c"])).toEqual(["foo", "a/foo", "a/b/foo/c"]);
  });

  it("[a-z] is one range and [abc] one list; [!…] negates", () => {
    expect(ignoredOf("file[0-9]", ["file1", "filex", "file10"])).toEqual(["file1"]);
    expect(ignoredOf("[abc].log", ["a.log", "d.log"])).toEqual(["a.log"]);
    expect(ignoredOf("x[!a]y", ["xay", "xby"])).toEqual(["xby"]);
  });

  it("{a,b} alternation, including globs inside", () => {
    expect(ignoredOf("{banana,pine*}", ["banana", "pineapple", "apple", "d/banana"])).toEqual(["banana", "pineapple", "d/banana"]);
    expect(ignoredOf("*.{jpg,png}", ["a.jpg", "a.png", "a.gif"])).toEqual(["a.jpg", "a.png"]);
  });

  it("backslash escapes a special character", () => {
    expect(ignoredOf("\\{banana\\}", ["{banana}", "banana"])).toEqual(["{banana}"]);
    expect(ignoredOf("a\\*b", ["a*b", "axb"])).toEqual(["a*b"]);
  });

  it("regex metacharacters in names are literal", () => {
    expect(ignoredOf("a.b(1)+$", ["a.b(1)+$", "axb(1)+$"])).toEqual(["a.b(1)+$"]);
  });

  it("! re-includes, and the first matching line wins", () => {
    expect(ignoredOf("!keep.txt\n*.txt", ["keep.txt", "drop.txt"])).toEqual(["drop.txt"]);
    // Reversed order: *.txt matches first, so keep.txt is ignored too.
    expect(ignoredOf("*.txt\n!keep.txt", ["keep.txt", "drop.txt"])).toEqual(["keep.txt", "drop.txt"]);
  });

  it("(?i) folds case, and combines with ! in any order", () => {
    expect(ignoredOf("(?i)test", ["test", "TEST", "tEsT"])).toEqual(["test", "TEST", "tEsT"]);
    const m = parseIgnore("(?i)!picture*.png\n*.png");
    expect(m.match("Picture1.PNG").ignored).toBe(false);
    expect(m.match("other.png").ignored).toBe(true);
    expect(parseIgnore("!(?i)a\n*").match("A").ignored).toBe(false);
    expect(ignoredOf("test", ["TEST"])).toEqual([]);
  });

  it("(?d) marks matches deletable, but only while they are ignored", () => {
    const m = parseIgnore("(?d)(?i)thumbs.db\n!(?d)keep");
    expect(m.match("dir/Thumbs.db")).toEqual({ ignored: true, deletable: true });
    expect(m.match("keep")).toEqual({ ignored: false, deletable: false });
  });

  it("a prefix is only taken once: (?i)(?i)x means the pattern (?i)x", () => {
    expect(ignoredOf("(?i)(?i)x", ["x", "(?i)x"])).toEqual(["(?i)x"]);
  });

  it("// lines are comments; blank lines and surrounding whitespace are ignored", () => {
    const m = parseIgnore("// foo\n\n   bar   \r\n");
    expect(m.patterns.map((p) => p.line)).toEqual(["bar"]);
    expect(m.match("foo").ignored).toBe(false);
    expect(m.match("bar").ignored).toBe(true);
  });

  it("a trailing slash matches the directory's contents but not the directory", () => {
    expect(ignoredOf("build/", ["build", "build/out.o", "src/build/x"])).toEqual(["build/out.o", "src/build/x"]);
    expect(ignoredOf("/build/**", ["build", "build/a/b"])).toEqual(["build/a/b"]);
  });

  it("a lone / ignores everything", () => {
    expect(ignoredOf("/", ["a", "b/c"])).toEqual(["a", "b/c"]);
  });

  it("spaces and unicode are ordinary characters", () => {
    expect(ignoredOf("My Docs/*.pdf", ["My Docs/a.pdf", "x/My Docs/b.pdf"])).toEqual(["My Docs/a.pdf", "x/My Docs/b.pdf"]);
    expect(ignoredOf("caf?", ["café", "caf"])).toEqual(["café"]);
  });

  it("follows gobwas quirks: ] } , outside their constructs are literal, an unclosed { is closed", () => {
    expect(ignoredOf("a]b", ["a]b"])).toEqual(["a]b"]);
    expect(ignoredOf("a,b}", ["a,b}"])).toEqual(["a,b}"]);
    expect(ignoredOf("{x,y", ["x", "y", "{x,y"])).toEqual(["x", "y"]);
  });
});

describe("always ignored: Syncthing's internal and temporary files", () => {
  const m = parseIgnore("!*");
  it.each([".stfolder", ".stfolder/syncthing-folder-abc.txt", ".stignore", ".stversions", ".stversions/a~20200101-000000.txt"])(
    "%s is internal, whatever the patterns say",
    (p) => {
      expect(m.explain(p)).toMatchObject({ ignored: true, deletable: false, reason: "internal" });
    },
  );
  it.each([".syncthing.a.txt.tmp", "d/.syncthing.b.tmp", "~syncthing~c.tmp", "d/e/~syncthing~x"])("%s is a temp file (deletable)", (p) => {
    expect(m.explain(p)).toMatchObject({ ignored: true, deletable: true, reason: "temporary" });
  });
  it("internal names only count at the root", () => {
    expect(m.match("sub/.stfolder").ignored).toBe(false);
    expect(m.match(".stfolderx").ignored).toBe(false);
  });
  it("an empty matcher ignores only those", () => {
    const empty = parseIgnore("");
    expect(empty.match("a").ignored).toBe(false);
    expect(empty.match(".stignore").ignored).toBe(true);
  });
});

describe("explain and patterns, for the editor UI", () => {
  it("names the deciding line with source and line number", () => {
    const m = parseIgnore("// c\n*.log\n!important.log");
    const e = m.explain("x/important.log");
    expect(e).toMatchObject({ ignored: true, reason: "pattern" });
    expect(e.pattern).toMatchObject({ source: ".stignore", lineNumber: 2, line: "*.log" });
    expect(m.explain("a.txt")).toEqual({ ignored: false, deletable: false, reason: "none" });
  });

  it("exposes Syncthing's expansion of each line", () => {
    const m = parseIgnore("foo\n/bar\ndir/\n**/baz\n(?i)!QUX");
    expect(m.patterns.map((p) => p.globs)).toEqual([
      ["foo", "**/foo", "foo/**", "**/foo/**"],
      ["bar", "bar/**"],
      ["dir/**", "**/dir/**"],
      ["**/baz", "baz", "**/baz/**", "baz/**"],
      ["qux", "**/qux", "qux/**", "**/qux/**"],
    ]);
    expect(m.patterns[4]).toMatchObject({ ignored: false, foldCase: true, deletable: false });
    expect(m.lines).toEqual(["foo", "/bar", "dir/", "**/baz", "(?i)!QUX"]);
  });

  it("skipIgnoredDirs is false once a ! line could re-include something inside an ignored dir", () => {
    expect(parseIgnore("foo\n*.tmp").skipIgnoredDirs).toBe(true);
    expect(parseIgnore("!/keep\n*").skipIgnoredDirs).toBe(true);
    expect(parseIgnore("!/keep/sub\n*").skipIgnoredDirs).toBe(false);
    expect(parseIgnore("!keep\n*").skipIgnoredDirs).toBe(false);
  });

  it("a repeated line is parsed once, as in Syncthing", () => {
    expect(parseIgnore("a\nb\na").patterns.map((p) => p.line)).toEqual(["a", "b"]);
  });
});

describe("errors", () => {
  it.each([
    ["[a-z0-9]", "one range or one list"],
    ["[abc", "unclosed character class"],
    ["[]", "empty character class"],
    ["[z-a]", "reversed"],
    ["!", "missing pattern"],
    ["(?i)", "missing pattern"],
  ])("%s is rejected: %s", (line, message) => {
    expect(() => parseIgnore(`ok\n${line}`)).toThrow(message);
    try {
      parseIgnore(`ok\n${line}`);
    } catch (err) {
      expect(err).toBeInstanceOf(IgnoreParseError);
      expect((err as IgnoreParseError).lineNumber).toBe(2);
      expect((err as Error).message).toMatch(/^\.stignore:2: /);
    }
  });

  it("#include without a file name is rejected", () => {
    expect(() => parseIgnore("#include")).toThrow("#include needs a file name");
    expect(() => parseIgnore("#include   ")).toThrow("#include needs a file name");
  });
});

describe("#include", () => {
  const files: Record<string, string> = {
    "more.txt": "*.bak\n#include sub/deeper.txt",
    "sub/deeper.txt": "!keep.bak\n#include sibling.txt",
    "sub/sibling.txt": "*.o",
    "loop-a.txt": "#include loop-b.txt",
    // Written differently from the first include, so Syncthing's repeated-line skip does not hide it.
    "loop-b.txt": "#include ./loop-a.txt",
    "self.txt": "x\n#include .stignore",
  };
  const readInclude = (rel: string) => {
    if (!(rel in files)) throw Object.assign(new Error(`ENOENT: ${rel}`), { code: "ENOENT" });
    return files[rel];
  };

  it("loads patterns in place, nested includes relative to the including file", () => {
    const m = parseIgnore("first\n#include more.txt\nlast", { readInclude });
    expect(m.patterns.map((p) => `${p.source}:${p.lineNumber}:${p.line}`)).toEqual([
      ".stignore:1:first",
      "more.txt:1:*.bak",
      "sub/deeper.txt:1:!keep.bak",
      "sub/sibling.txt:1:*.o",
      ".stignore:3:last",
    ]);
    // *.bak comes before !keep.bak, so it wins.
    expect(m.match("keep.bak").ignored).toBe(true);
    expect(m.match("x/y.o").ignored).toBe(true);
  });

  it("a missing include is a clear error", () => {
    expect(() => parseIgnore("#include nope.txt", { readInclude })).toThrow(/\.stignore:1: included file nope\.txt does not exist/);
  });

  it("include loops and self-includes are detected", () => {
    expect(() => parseIgnore("#include loop-a.txt", { readInclude })).toThrow(/loop-b\.txt:1: loop-a\.txt is included more than once/);
    expect(() => parseIgnore("#include self.txt", { readInclude })).toThrow(/\.stignore is included more than once/);
  });

  it("without a reader, an include is an error rather than silently skipped", () => {
    expect(() => parseIgnore("#include more.txt")).toThrow("no include reader");
  });
});

describe("loadIgnoreFile", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reads .stignore and its includes from the folder", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ferry-ignore-"));
    await mkdir(path.join(dir, "conf"));
    await writeFile(path.join(dir, ".stignore"), "#include conf/common.txt\n/local\n");
    await writeFile(path.join(dir, "conf/common.txt"), "(?d).DS_Store\n");
    const m = await loadIgnoreFile(dir);
    expect(m.match("a/.DS_Store")).toEqual({ ignored: true, deletable: true });
    expect(m.match("local/x").ignored).toBe(true);
    expect(m.match("a/local").ignored).toBe(false);
  });

  it("a folder without .stignore ignores only internal files", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ferry-ignore-"));
    const m = await loadIgnoreFile(dir);
    expect(m.patterns).toEqual([]);
    expect(m.match("anything").ignored).toBe(false);
  });

  it("a missing include fails the load", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ferry-ignore-"));
    await writeFile(path.join(dir, ".stignore"), "#include gone.txt\n");
    await expect(loadIgnoreFile(dir)).rejects.toThrow("included file gone.txt does not exist");
  });
});

describe("compileGlob", () => {
  it("returns the literal runs used as a prefilter", () => {
    expect(compileGlob("*.tar.{gz,xz}").literals).toEqual([".tar."]);
  });
});

// Speed is measured by the benchmark, not asserted here; this checks the compiled matcher at scale.
describe("many paths", () => {
  it("matches 100,000 paths against a 50-line .stignore consistently", () => {
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(`*.ext${i}`, `/root${i}`, `node_modules${i}/`, `(?i)*.BAK${i}`);
    const m = parseIgnore(lines.join("\n") + "\n!keep\n*.tmp");
    const paths = Array.from({ length: 100_000 }, (_, i) => `dir${i % 100}/sub${i % 37}/file${i}.${["txt", "jpg", "tmp", "md"][i % 4]}`);
    let ignored = 0;
    for (const p of paths) if (m.match(p).ignored) ignored++;
    expect(ignored).toBe(25_000);
  });
});

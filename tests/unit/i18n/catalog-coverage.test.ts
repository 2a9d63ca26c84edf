// Every word the console shows goes through the catalog (issue: English and Russian, "every string
// goes through a catalog"). This reads every component and page with TypeScript's parser and
// lists text a person would read that is written into the markup directly: JSX text, and the
// attributes a screen reader or a tooltip shows. Code, units and names stay untranslated on
// purpose; they are listed below with the reason.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { en } from "../../../components/i18n/en";
import { ru } from "../../../components/i18n/ru";

const ROOT = path.resolve(__dirname, "../../..");
const READ_ATTRIBUTES = new Set(["title", "placeholder", "aria-label", "alt", "label"]);

/** Written as they are in every language, each with the reason. */
const LITERAL: Record<string, string> = {
  skip: "a plan keyword (overlap: skip), offered as it is written in YAML",
  queue: "a plan keyword (overlap: queue), offered as it is written in YAML",
  "XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX": "the shape of a device ID",
  "smtp.example.com": "an example host name",
  "ferry@example.com": "an example address",
  "oncall@example.com": "an example address",
  "smtp-password": "the example name of a secret",
  "https://chat.example.com/hook": "an example URL",
  "/srv/sync/documents": "an example path",
  "*.tmp\n/build\n(?d).DS_Store": "example ignore patterns (.stignore syntax)",
};

/** Text that is the same in every language: product and protocol names, units, symbols. */
const SAME_IN_EVERY_LANGUAGE = /^(Ferry|EN|RU|ID|QR|BEP|TLS|SHA-256|RPO|RTO|SMTP|API|JSON|YAML|cron|KiB\/s|MiB|GiB|KiB|ms|s|B|#|→|←|·|…|×|✓|\+|-|—|\/|%|:|,|\.|\(|\)|\[|\]|\d+)$/;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.tsx$/.test(e.name) ? [p] : [];
  });
}

/** Pieces that are words: at least two letters in a row, after taking out what is the same everywhere. */
function isWords(text: string): boolean {
  const parts = text.split(/\s+/).filter(Boolean);
  return parts.some((p) => !SAME_IN_EVERY_LANGUAGE.test(p) && /\p{L}{2,}/u.test(p));
}

/** A value that is a catalog key is passed to t() by the component that receives it. */
const translatedLater = (text: string) => text in en || text.trim() in LITERAL;

function hardCoded(file: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (n: ts.Node) => `${path.relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node) => {
    if (ts.isJsxText(n) && isWords(n.text) && !translatedLater(n.text)) found.push(`${where(n)} text "${n.text.trim()}"`);
    if (ts.isJsxAttribute(n) && READ_ATTRIBUTES.has(n.name.getText()) && n.initializer) {
      const init = n.initializer;
      const literal = ts.isStringLiteral(init) ? init.text : ts.isJsxExpression(init) && init.expression && (ts.isStringLiteral(init.expression) || ts.isNoSubstitutionTemplateLiteral(init.expression)) ? init.expression.text : null;
      if (literal !== null && isWords(literal) && !translatedLater(literal)) found.push(`${where(n)} ${n.name.getText()}="${literal}"`);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

describe("the console's text", () => {
  const sources = [...files(path.join(ROOT, "components")), ...files(path.join(ROOT, "app"))];

  it("reads every component and page", () => {
    expect(sources.length).toBeGreaterThan(40);
  });

  it("has no words written into the markup; they come from the catalog", () => {
    expect(sources.flatMap(hardCoded)).toEqual([]);
  });

  it("has every English key in Russian too, with the same placeholders", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const missing = Object.keys(en).filter((k) => !(k in ru));
    expect(missing).toEqual([]);
    const mismatched = Object.keys(en).filter((k) => k in ru && JSON.stringify(placeholders(en[k as keyof typeof en])) !== JSON.stringify(placeholders((ru as Record<string, string>)[k])));
    expect(mismatched).toEqual([]);
  });
});

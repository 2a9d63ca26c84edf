import { isMap, parseDocument } from "yaml";

/** The plan fields the editor's form shows; everything else is edited in the YAML. */
export const FORM_FIELDS = ["id", "description", "schedule", "timezone", "rpo", "overlap", "catchup"] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** The top-level scalar values of a draft, or null when the text is not a YAML mapping (the form then waits for the text). */
export function readFields(source: string): Record<FormField, string> | null {
  const doc = parseDocument(source);
  if (doc.errors.length || (doc.contents !== null && !isMap(doc.contents))) return null;
  const out = {} as Record<FormField, string>;
  for (const f of FORM_FIELDS) {
    const v = doc.get(f);
    out[f] = v === undefined || v === null ? "" : String(v);
  }
  return out;
}

/**
 * Sets one top-level field in the draft text, keeping comments and the order of everything else
 * (the yaml Document round-trips them); an empty value removes the field.
 */
export function writeField(source: string, field: FormField, value: string): string {
  const doc = parseDocument(source);
  if (doc.errors.length) return source;
  if (value === "") doc.delete(field);
  else doc.set(field, value);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

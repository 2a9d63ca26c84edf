import type { ReactNode } from "react";

/** A labelled form row with optional help and an "in use now" note under it. */
export function Field({ id, label, help, note, children }: { id: string; label: string; help?: string; note?: ReactNode; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {help && (
        <p id={`${id}-help`} className="mt-1 text-xs text-slate-500">
          {help}
        </p>
      )}
      {note}
    </div>
  );
}

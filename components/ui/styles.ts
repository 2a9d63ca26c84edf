// Shared Tailwind class strings, so every screen's buttons and inputs look and focus alike.
const focus = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600";

export const buttonPrimary = `inline-flex items-center justify-center gap-1.5 rounded-md bg-teal-700 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-teal-800 disabled:cursor-not-allowed disabled:opacity-60 ${focus}`;
export const buttonSecondary = `inline-flex items-center justify-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60 ${focus}`;
export const buttonDanger = `inline-flex items-center justify-center gap-1.5 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-red-800 disabled:opacity-60 ${focus}`;
export const input = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30 disabled:bg-slate-100";
export const focusRing = focus;

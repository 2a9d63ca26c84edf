/** Ferry's mark: two hulls on a wave, i.e. two copies kept level. */
export function FerryMark({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#0f766e" />
      <path d="M7 13h18l-2.5 5h-13z" fill="#fff" />
      <path d="M11 9h10v3H11z" fill="#99f6e4" />
      <path d="M5 22c2 0 2-1.5 4-1.5s2 1.5 4 1.5 2-1.5 4-1.5 2 1.5 4 1.5 2-1.5 4-1.5 2 1.5 2 1.5" fill="none" stroke="#99f6e4" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}

"use client";

import QRCode from "qrcode";
import { useMemo } from "react";

/** The text as a QR code, drawn as one SVG path (crisp at any size, no canvas, no innerHTML). */
export function QrCode({ text, label, className = "h-40 w-40" }: { text: string; label: string; className?: string }) {
  const { size, path } = useMemo(() => {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
    let d = "";
    for (let row = 0; row < modules.size; row++)
      for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) d += `M${col} ${row}h1v1h-1z`;
    return { size: modules.size, path: d };
  }, [text]);
  const quiet = 2;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`${-quiet} ${-quiet} ${size + 2 * quiet} ${size + 2 * quiet}`}
      className={className}
      shapeRendering="crispEdges"
    >
      <rect x={-quiet} y={-quiet} width={size + 2 * quiet} height={size + 2 * quiet} fill="#fff" />
      <path d={path} fill="#0f172a" />
    </svg>
  );
}

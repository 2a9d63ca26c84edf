import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { isLang, LANG_COOKIE } from "@/components/i18n/catalog";
import { I18nProvider } from "@/components/i18n/i18n-provider";
import { TrpcQueryProvider } from "@/components/trpc/trpc-provider";
import "./globals.css";

export const metadata: Metadata = { title: "Ferry" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The language cookie makes the first HTML come out in the chosen language, with no flash of English.
  const saved = (await cookies()).get(LANG_COOKIE)?.value;
  const lang = isLang(saved) ? saved : "en";
  return (
    <html lang={lang}>
      <body className="min-h-screen bg-slate-100 text-slate-900 antialiased">
        <I18nProvider initialLang={lang}>
          <TrpcQueryProvider>{children}</TrpcQueryProvider>
        </I18nProvider>
      </body>
    </html>
  );
}

import nodemailer from "nodemailer";
import { z } from "zod";
import type { SettingsStore } from "../../db/settings";
import { ConfigError } from "../../sync/config";

/** SMTP settings for notify.email, edited in the console; the password is a secret named here. */
export const ZSmtpSettings = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true = TLS from the start (465); false = STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  from: z.string().min(3),
  user: z.string().optional(),
  passwordSecret: z.string().optional(),
  /** Accept self-signed certificates (a lab relay). */
  allowInvalidCert: z.boolean().default(false),
});
export type SmtpSettings = z.infer<typeof ZSmtpSettings>;

const KEY = "dr.smtp";

export function getSmtp(settings: SettingsStore): SmtpSettings | null {
  const raw = settings.getRaw(KEY);
  return raw ? ZSmtpSettings.parse(raw) : null;
}

export function setSmtp(settings: SettingsStore, value: unknown): SmtpSettings {
  const parsed = ZSmtpSettings.safeParse(value);
  if (!parsed.success) throw new ConfigError(`SMTP settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  settings.setRaw(KEY, parsed.data);
  return parsed.data;
}

export async function sendMail(s: SmtpSettings, password: string | null, mail: { to: string[]; subject: string; text: string }): Promise<string> {
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    auth: s.user ? { user: s.user, pass: password ?? "" } : undefined,
    tls: { rejectUnauthorized: !s.allowInvalidCert },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail({ from: s.from, to: mail.to, subject: mail.subject, text: mail.text });
    return String(info.messageId);
  } finally {
    transport.close();
  }
}

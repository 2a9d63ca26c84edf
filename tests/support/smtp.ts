import { SMTPServer } from "smtp-server";

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
}

/** A real SMTP server (smtp-server) on loopback that keeps what it receives; optional AUTH PLAIN/LOGIN. */
export async function startSmtp(opts: { user?: string; password?: string } = {}) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: opts.user ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !opts.user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) cb(null, { user: auth.username });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: (session.user as string | undefined) ?? null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  /** Resolves with the first mail (received before or after the call) that matches. */
  const waitFor = async (match: (m: Mail) => boolean, timeoutMs = 30_000): Promise<Mail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = mails.find(match);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no matching mail within ${timeoutMs} ms (${mails.length} received)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { port, mails, waitFor, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtp>>;

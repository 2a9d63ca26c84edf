import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { TaskFailure, type TaskContext } from "../tasks/types";

/** The `with` fields every restic kind shares: where the repository is and which secret opens it. */
export const ZResticRepo = {
  /** A local path or "sftp:user@host:/path" (restic's own syntax). */
  repository: z.string().min(1),
  /** Name of the secret holding the repository password. */
  password: z.string().min(1).default("restic"),
  /** For an sftp repository: the private key ssh logs in with (default: the node user's own ssh setup). */
  sshKey: z.string().min(1).optional(),
  /** For an sftp repository: a known_hosts file the server's key must be in (default: the user's). */
  knownHosts: z.string().min(1).optional(),
};

type ResticRepo = { repository: string; sshKey?: string; knownHosts?: string };

export const RESTIC = process.env.FERRY_RESTIC ?? "restic";

/** Files Ferry and Syncthing keep for themselves: never part of a backup or a comparison. */
export const INTERNAL_NAMES = [".stfolder", ".stversions", ".stignore.tmp", ".syncthing.*.tmp", "~syncthing~*.tmp"];

export function resticEnv(ctx: TaskContext, repo: { repository: string; password: string }): Record<string, string> {
  return {
    RESTIC_REPOSITORY: repo.repository,
    RESTIC_PASSWORD: ctx.secret(repo.password),
    RESTIC_CACHE_DIR: path.join(ctx.deps.home, "restic-cache"),
    // restic asks nothing interactively and never waits on a stale lock for long.
    RESTIC_PROGRESS_FPS: "0.2",
  };
}

/**
 * The restic command line up to the subcommand. For an sftp repository with a key or a
 * known_hosts file, restic's ssh command is given in full (restic 0.14 has no option for extra ssh
 * arguments), always in batch mode so a missing key fails instead of waiting for a password.
 */
export function resticCommand(repo: ResticRepo): string[] {
  if (!repo.sshKey && !repo.knownHosts) return [RESTIC];
  const target = sftpTarget(repo.repository);
  if (!target) throw new TaskFailure(`sshKey and knownHosts apply to an sftp repository, not ${repo.repository}`);
  const ssh = ["ssh", "-o", "BatchMode=yes"];
  if (repo.sshKey) ssh.push("-i", path.resolve(repo.sshKey), "-o", "IdentitiesOnly=yes");
  if (repo.knownHosts) ssh.push("-o", `UserKnownHostsFile=${path.resolve(repo.knownHosts)}`, "-o", "StrictHostKeyChecking=yes");
  if (target.port) ssh.push("-p", target.port);
  if (target.user) ssh.push("-l", target.user);
  ssh.push(target.host, "-s", "sftp");
  // restic splits the option like a shell would: quote what has spaces.
  return [RESTIC, "-o", `sftp.command=${ssh.map((a) => (/[\s"']/.test(a) ? `"${a.replace(/(["\\])/g, "\\$1")}"` : a)).join(" ")}`];
}

/** user, host and port of "sftp:user@host:/path" or "sftp://user@host:port/path"; null for other backends. */
export function sftpTarget(repository: string): { user: string | null; host: string; port: string | null } | null {
  const m = /^sftp:\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\//.exec(repository) ?? /^sftp:(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+):()/.exec(repository);
  return m ? { user: m[1] ?? null, host: m[2].replace(/^\[(.*)\]$/, "$1"), port: m[3] || null } : null;
}

const isLocal = (repository: string) => !/^[a-z0-9]+:/i.test(repository) || repository.startsWith("local:");

/** Creates the repository on first use (local repositories only, or when asked explicitly). */
export async function ensureRepository(ctx: TaskContext, restic: string[], env: Record<string, string>, init: boolean): Promise<void> {
  const repo = env.RESTIC_REPOSITORY;
  if (isLocal(repo)) {
    const dir = repo.replace(/^local:/, "");
    if (fs.existsSync(path.join(dir, "config"))) return;
    if (!init) throw new TaskFailure(`${dir} is not a restic repository (set init: true to create it)`);
    fs.mkdirSync(dir, { recursive: true });
  } else {
    try {
      await ctx.spawn([...restic, "cat", "config", "--no-lock"], { env, onStdout: () => {} });
      return;
    } catch (err) {
      if (!init) throw err;
    }
  }
  ctx.log(`creating restic repository ${repo}`);
  await ctx.spawn([...restic, "init"], { env });
}

/** The folder's path when `folder` names a synced folder, else `path` itself. */
export function sourcePath(ctx: TaskContext, w: { folder?: string; path?: string }): { dir: string; subject: string } {
  if (w.folder) {
    const dir = ctx.deps.sync?.config.folder(w.folder)?.path ?? null;
    if (!dir) throw new TaskFailure(`no folder with ID "${w.folder}" on this node`);
    return { dir, subject: w.folder };
  }
  if (!w.path) throw new TaskFailure("give either folder or path");
  return { dir: path.resolve(w.path), subject: path.resolve(w.path) };
}

/** Reads restic's --json output: keeps the last message of the given type, logs a progress line now and then. */
export function jsonMessages(ctx: TaskContext, want: string) {
  let last: Record<string, unknown> | null = null;
  let lastProgress = 0;
  return {
    onStdout(line: string) {
      if (!line.startsWith("{")) return ctx.log(line, "stdout");
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg.message_type === want) last = msg;
        else if (msg.message_type === "status" && Date.now() - lastProgress > 5000) {
          lastProgress = Date.now();
          ctx.log(`progress ${Math.round(Number(msg.percent_done ?? 0) * 100)}%`, "stdout");
        } else if (msg.message_type === "error") ctx.log(JSON.stringify(msg), "stderr");
      } catch {
        ctx.log(line, "stdout");
      }
    },
    get last() {
      return last;
    },
  };
}

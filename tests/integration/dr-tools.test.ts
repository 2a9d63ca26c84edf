import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hashTree } from "../../server/dr/drivers/tree-hash";
import { setSmtp } from "../../server/dr/drivers/smtp";
import { startOpenNebulaSimulator } from "../support/opennebula-simulator";
import { startSmtp } from "../support/smtp";
import { startSshd } from "../support/sshd";
import { startDr, yamlPlan, type DrHarness } from "../support/dr";

let h: DrHarness | null = null;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.close();
  h = null;
  for (const c of closers.splice(0)) await c();
});

async function run(planSource: string, params?: Record<string, string>) {
  const id = h!.dr.applyPlan(planSource, "test").plan.id;
  const r = h!.dr.startRun(id, { actor: "test", params })!;
  const state = await h!.dr.waitRun(r.id);
  const view = h!.dr.showRun(r.id);
  const byId = Object.fromEntries(view.tasks.map((t) => [t.id, t]));
  return { state, view, byId };
}

/**
 * Secrets live in the secrets table and nowhere else: not in run logs, attempt errors or results,
 * stored events, the audit log or settings, and not in any event the bus sent while the runs went.
 */
function expectSecretsOnlyInTheirTable(values: string[], sent: unknown[]) {
  const sqlite = h!.handle.sqlite;
  const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
  expect(tables).toContain("run_logs");
  for (const table of tables.filter((t) => t !== "secrets")) {
    const dump = JSON.stringify(sqlite.prepare(`SELECT * FROM "${table}"`).all());
    for (const v of values) expect(dump.includes(v), `secret found in table ${table}`).toBe(false);
  }
  const events = JSON.stringify(sent);
  for (const v of values) expect(events.includes(v), "secret found in an event").toBe(false);
}

function makeTree(dir: string) {
  fs.mkdirSync(path.join(dir, "sub/deeper"), { recursive: true });
  fs.writeFileSync(path.join(dir, "a.txt"), "alpha\n");
  fs.writeFileSync(path.join(dir, "sub/b.bin"), crypto.randomBytes(3 * 1024 * 1024 + 17));
  fs.writeFileSync(path.join(dir, "sub/deeper/c — кириллица.txt"), "gamma\n");
  fs.writeFileSync(path.join(dir, "empty"), "");
}

describe("DR tasks on real tools", () => {
  it("backs up with restic, restores byte-identical, verifies, prunes, and derives RPO and RTO", async () => {
    h = await startDr();
    const sent: unknown[] = [];
    h.deps.events.subscribe((e) => sent.push(e));
    h.dr.secrets.set("restic", "correct horse battery staple");
    const src = path.join(h.home, "src");
    makeTree(src);
    const repo = path.join(h.home, "repo");
    const target = path.join(h.home, "restored");
    const { state, byId, view } = await run(
      yamlPlan(
        "id: backup",
        "rpo: 1h",
        "tasks:",
        `  - { id: backup, kind: backup.restic, with: { path: ${src}, repository: ${repo} } }`,
        `  - { id: restore, kind: restore.restic, needs: [backup], with: { repository: ${repo}, snapshot: upstream, target: ${target}, compare: ${src} } }`,
        `  - { id: verify, kind: verify.restic, needs: [restore], with: { repository: ${repo}, snapshot: upstream, readData: "100%" } }`,
        `  - { id: prune, kind: prune.restic, needs: [verify], with: { repository: ${repo}, keepLast: 1 } }`,
      ),
    );
    expect(state).toBe("success");
    const restored = await hashTree(target);
    expect(restored).toEqual(await hashTree(src));
    expect(restored.size).toBe(4);
    expect(byId.backup.result.snapshotId).toMatch(/^[0-9a-f]{8}$/);
    expect(byId.restore.result.files).toBe(4);
    expect(view.logs.map((l) => l.line).join("\n")).not.toContain("correct horse battery staple");

    const { rpo, rto } = h.dr.objectives();
    const p = rpo.plans.find((x) => x.key === "backup")!;
    expect(p.status).toBe("ok");
    expect(p.ageMs!).toBeLessThan(60_000);
    expect(rpo.subjects.map((s) => s.key)).toContain(src);
    expect(rto.restores[0]).toMatchObject({ planId: "backup", taskId: "restore", kind: "restore.restic" });
    expect(rto.restores[0].measuredMs).toBeGreaterThan(0);
    expectSecretsOnlyInTheirTable(["correct horse battery staple"], sent);
  });

  it("prune.restic applies keep-last/-daily/-weekly/-monthly to this plan's snapshots only", async () => {
    h = await startDr();
    h.dr.secrets.set("restic", "prune-pw");
    const src = path.join(h.home, "src");
    makeTree(src);
    const repo = path.join(h.home, "repo");
    const backup = (id: string) => yamlPlan(`id: ${id}`, "tasks:", `  - { id: b, kind: backup.restic, with: { path: ${src}, repository: ${repo} } }`);
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(path.join(src, "a.txt"), `version ${i}\n`);
      expect((await run(backup("nightly"))).state).toBe("success");
    }
    expect((await run(backup("other"))).state).toBe("success");
    const pruned = await run(yamlPlan("id: nightly", "tasks:", `  - { id: p, kind: prune.restic, with: { repository: ${repo}, keepLast: 1, keepDaily: 1, keepWeekly: 1, keepMonthly: 1 } }`));
    expect(pruned.state).toBe("success");
    // All three were made today: each rule keeps the newest one, so two go.
    expect(pruned.byId.p.result).toEqual({ removed: 2 });
    const left = JSON.parse(execFileSync("restic", ["snapshots", "--json"], { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: "prune-pw" }, encoding: "utf8" })) as { tags: string[] }[];
    expect(left.map((s) => s.tags.find((t) => t.startsWith("plan:"))).sort()).toEqual(["plan:nightly", "plan:other"]);
  });

  it("a restore into a non-empty directory is refused and loses nothing", async () => {
    h = await startDr();
    h.dr.secrets.set("restic", "pw-123456");
    const src = path.join(h.home, "src");
    makeTree(src);
    const repo = path.join(h.home, "repo");
    const busy = path.join(h.home, "busy");
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, "keep.txt"), "mine");
    const { state, byId } = await run(
      yamlPlan("id: r", "tasks:", `  - { id: b, kind: backup.restic, with: { path: ${src}, repository: ${repo} } }`, `  - { id: r, kind: restore.restic, needs: [b], with: { repository: ${repo}, target: ${busy} } }`),
    );
    expect(state).toBe("failed");
    expect(byId.r.error).toBe(`${busy} is not empty (set overwrite: true to restore over it)`);
    expect(fs.readdirSync(busy)).toEqual(["keep.txt"]);
  });

  it("replicates with rsync to a path", async () => {
    h = await startDr();
    const src = path.join(h.home, "src");
    makeTree(src);
    const replica = path.join(h.home, "replica");
    const { state } = await run(yamlPlan("id: rs", "tasks:", `  - { id: copy, kind: replicate.rsync, with: { path: ${src}, target: ${replica}, delete: true } }`));
    expect(state).toBe("success");
    expect(await hashTree(replica)).toEqual(await hashTree(src));
    expect(h.dr.objectives().rpo.subjects.find((s) => s.key === src)?.newestCopyAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it("backs up into a restic repository over sftp (a real sshd on loopback) and restores byte-identical", async () => {
    const sshd = await startSshd();
    closers.push(sshd.close);
    h = await startDr();
    h.dr.secrets.set("restic", "sftp-repo-pw");
    const src = path.join(h.home, "src");
    makeTree(src);
    const repoDir = path.join(h.home, "remote-repo");
    const repo = `sftp://${sshd.user}@127.0.0.1:${sshd.port}/${repoDir}`;
    const ssh = `repository: "${repo}", sshKey: ${sshd.key}, knownHosts: ${sshd.knownHosts}`;
    const target = path.join(h.home, "restored");
    const { state, byId, view } = await run(
      yamlPlan(
        "id: offsite",
        "tasks:",
        `  - { id: backup, kind: backup.restic, with: { path: ${src}, ${ssh} } }`,
        `  - { id: restore, kind: restore.restic, needs: [backup], with: { ${ssh}, snapshot: upstream, target: ${target}, compare: ${src} } }`,
        `  - { id: verify, kind: verify.restic, needs: [restore], with: { ${ssh}, snapshot: upstream, readData: "100%" } }`,
      ),
    );
    expect(state, view.logs.map((l) => l.line).join("\n")).toBe("success");
    // The repository was made on the far side of sshd, by restic's sftp backend.
    expect(fs.existsSync(path.join(repoDir, "config"))).toBe(true);
    expect(byId.backup.result.snapshotId).toMatch(/^[0-9a-f]{8}$/);
    expect(await hashTree(target)).toEqual(await hashTree(src));
    expect(view.logs.map((l) => l.line).join("\n")).not.toContain("sftp-repo-pw");
    expect(h.dr.objectives().rpo.subjects.find((s) => s.key === src)?.newestCopyAt).toBeGreaterThan(Date.now() - 60_000);

    // A server whose key is not the known one is refused, not trusted on first use.
    fs.writeFileSync(sshd.knownHosts, `[127.0.0.1]:${sshd.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHV6n0hF9RkPjDh0oYfVqVZGYtXJxAyUXb8ORBXgKzTp\n`);
    const refused = await run(yamlPlan("id: offsite", "tasks:", `  - { id: backup, kind: backup.restic, with: { path: ${src}, ${ssh} } }`));
    expect(refused.state).toBe("failed");
    expect(refused.view.logs.map((l) => l.line).join("\n")).toMatch(/Host key verification failed/);
  });

  it("rsync exit 24 (a source file vanished during the copy) is a warning, not a failure", async () => {
    h = await startDr();
    const src = path.join(h.home, "src");
    fs.mkdirSync(src);
    for (let i = 1; i <= 20; i++) fs.writeFileSync(path.join(src, `f${String(i).padStart(2, "0")}`), crypto.randomBytes(20_000));
    const replica = path.join(h.home, "replica");
    // rsync lists every file first, then sends them in order at 100 KB/s: the last one is deleted
    // after the first has been sent and long before its turn comes.
    const unsubscribe = h.deps.events.subscribe((e) => {
      if (e.type === "task.log" && (e.data as { line: string }).line === "f01" && fs.existsSync(path.join(src, "f20"))) fs.unlinkSync(path.join(src, "f20"));
    });
    try {
      const { state, byId, view } = await run(yamlPlan("id: vanish", "tasks:", `  - { id: copy, kind: replicate.rsync, with: { path: ${src}, target: ${replica}, args: ["-v", "--bwlimit=100"] } }`));
      const log = view.logs.map((l) => l.line).join("\n");
      expect(log).toMatch(/file has vanished: .*f20/);
      expect(state).toBe("success");
      expect(byId.copy.result.warning).toBe("vanished source files");
      expect(view.logs.find((l) => l.line.includes("exit 24"))?.stream).toBe("warn");
      expect(fs.readdirSync(replica).sort()).toEqual(fs.readdirSync(src).sort());
    } finally {
      unsubscribe();
    }

    // 23 (partial transfer: here a listed file that does not exist) still fails the task.
    const list = path.join(h.home, "list");
    fs.writeFileSync(list, "f01\nmissing\n");
    const partial = await run(yamlPlan("id: partial", "tasks:", `  - { id: copy, kind: replicate.rsync, with: { path: ${src}, target: ${path.join(h.home, "replica2")}, args: ["--files-from=${list}"] } }`));
    expect(partial.byId.copy.error).toBe("rsync exited with code 23");
  });

  it("snapshots and reverts a local qcow2 disk with qemu-img", async () => {
    h = await startDr();
    const disk = path.join(h.home, "vm.qcow2");
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", disk, "4M"]);
    execFileSync("qemu-io", ["-f", "qcow2", "-c", "write -P 0xaa 0 64k", disk]);
    const snap = await run(yamlPlan("id: snap", "tasks:", `  - { id: s, kind: vm.snapshot, with: { driver: qemu-img, disk: ${disk}, name: before } }`));
    expect(snap.state).toBe("success");
    execFileSync("qemu-io", ["-f", "qcow2", "-c", "write -P 0x55 0 64k", disk]);
    const rev = await run(yamlPlan("id: rev", "tasks:", `  - { id: r, kind: vm.revert, with: { driver: qemu-img, disk: ${disk}, snapshot: before } }`));
    expect(rev.state).toBe("success");
    // qemu-io exits 0 and prints "Pattern verification failed" when the bytes differ.
    const out = execFileSync("qemu-io", ["-f", "qcow2", "-c", "read -P 0xaa 0 64k", disk], { encoding: "utf8" });
    expect(out).not.toMatch(/verification failed/i);
  });

  it("drives OpenNebula (simulator): snapshot, revert, hosts in error", async () => {
    const one = await startOpenNebulaSimulator({ actionMs: 300 });
    closers.push(one.close);
    const vm = one.addVm(42, "db-1", "v1");
    h = await startDr();
    const sent: unknown[] = [];
    h.deps.events.subscribe((e) => sent.push(e));
    h.dr.secrets.set("one", one.session);
    const w = `endpoint: "${one.endpoint}", credentials: one, pollInterval: 50`;
    const snap = await run(yamlPlan("id: one-snap", "tasks:", `  - { id: s, kind: vm.snapshot, with: { driver: opennebula, ${w}, vm: 42, name: nightly } }`));
    expect(snap.state).toBe("success");
    expect(vm.snapshots.map((s) => s.name)).toEqual(["nightly"]);
    expect(snap.view.logs.map((l) => l.line)).toEqual(expect.arrayContaining(["VM 42: STATE=3 LCM_STATE=24", "VM 42: STATE=3 LCM_STATE=3"]));
    vm.content = "v2";
    const rev = await run(yamlPlan("id: one-rev", "tasks:", `  - { id: r, kind: vm.revert, with: { driver: opennebula, ${w}, vm: 42, snapshot: nightly } }`));
    expect(rev.state).toBe("success");
    expect(vm.content).toBe("v1");
    expect(h.dr.objectives().rto.restores.find((r) => r.planId === "one-rev")!.measuredMs).toBeGreaterThanOrEqual(250);

    const ok = await run(yamlPlan("id: hosts", "tasks:", `  - { id: c, kind: check.opennebula, with: { endpoint: "${one.endpoint}", credentials: one } }`));
    expect(ok.state).toBe("success");
    one.hosts[1].state = 3;
    const bad = await run(yamlPlan("id: hosts", "tasks:", `  - { id: c, kind: check.opennebula, with: { endpoint: "${one.endpoint}", credentials: one } }`));
    expect(bad.byId.c.error).toBe("hosts in error: kvm-b (#1, ERROR)");

    vm.failNextAction = true;
    const failed = await run(yamlPlan("id: one-snap", "tasks:", `  - { id: s, kind: vm.snapshot, with: { driver: opennebula, ${w}, vm: 42, name: again } }`));
    expect(failed.byId.s.error).toBe("VM 42 went to a failure state (LCM_STATE 36)");
    h.dr.secrets.set("one", "oneadmin:wrong");
    const denied = await run(yamlPlan("id: hosts", "tasks:", `  - { id: c, kind: check.opennebula, with: { endpoint: "${one.endpoint}", credentials: one } }`));
    expect(denied.byId.c.error).toMatch(/^one.hostpool.info: AUTHENTICATION: /);
    expectSecretsOnlyInTheirTable([one.session, "oneadmin:wrong"], sent);
  });

  it("mails through a real SMTP server on one_failed, posts a webhook, probes HTTP", async () => {
    const smtp = await startSmtp({ user: "ferry", password: "mail-pw" });
    closers.push(smtp.close);
    const hooks: string[] = [];
    const web = (await import("node:http")).createServer((req, res) => {
      let b = "";
      req.on("data", (c) => (b += c));
      req.on("end", () => {
        if (req.method === "POST") hooks.push(`${req.headers.authorization} ${b}`);
        res.writeHead(req.url === "/health" ? 200 : 503).end(req.url === "/health" ? "all good" : "down");
      });
    });
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise<void>((r) => web.close(() => r())));
    const url = `http://127.0.0.1:${(web.address() as { port: number }).port}`;
    h = await startDr();
    const sent: unknown[] = [];
    h.deps.events.subscribe((e) => sent.push(e));
    h.dr.secrets.set("smtp", "mail-pw");
    h.dr.secrets.set("hook", "hook-token-xyz");
    setSmtp(h.deps.settings, { host: "127.0.0.1", port: smtp.port, from: "ferry@example.com", user: "ferry", passwordSecret: "smtp" });
    const { state, byId } = await run(
      yamlPlan(
        "id: alerts",
        "tasks:",
        `  - { id: probe, kind: check.http, with: { url: "${url}/health", contains: good } }`,
        `  - { id: broken, kind: check.http, with: { url: "${url}/app" } }`,
        `  - { id: mail, kind: notify.email, needs: [probe, broken], trigger: one_failed, with: { to: ops@example.com } }`,
        `  - { id: hook, kind: notify.webhook, needs: [probe, broken], trigger: all_done, with: { url: "${url}/hook", token: hook } }`,
      ),
    );
    expect(state).toBe("failed");
    expect(byId.probe.state).toBe("success");
    expect(byId.broken.error).toBe(`${url}/app answered 503, expected 200`);
    expect(byId.mail.state).toBe("success");
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: "ferry@example.com", to: ["ops@example.com"], user: "ferry" });
    expect(smtp.mails[0].raw).toContain("broken: failed");
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatch(/^Bearer hook-token-xyz \{/);
    expect(JSON.parse(hooks[0].slice(hooks[0].indexOf("{")))).toMatchObject({ planId: "alerts", tasks: expect.arrayContaining([{ id: "broken", state: "failed", error: expect.any(String) }]) });
    expectSecretsOnlyInTheirTable(["mail-pw", "hook-token-xyz"], sent);
  });

  it("the built-in DR test template runs end to end", async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    h = await startDr();
    h.dr.secrets.set("restic", "template-pw");
    setSmtp(h.deps.settings, { host: "127.0.0.1", port: smtp.port, from: "ferry@example.com" });
    const src = path.join(h.home, "src");
    makeTree(src);
    const { drTestTemplate } = await import("../../server/dr/template");
    // The template names a synced folder; with no engine here, point the same tasks at a path.
    const source = drTestTemplate("docs").replaceAll('folder: "${params.folder}"', `path: "${src}"`);
    const { state, byId } = await run(source, {
      repository: path.join(h.home, "repo"),
      replica: path.join(h.home, "replica"),
      scratch: path.join(h.home, "scratch"),
      report: "dr@example.com",
    });
    expect(state).toBe("success");
    expect(Object.values(byId).map((t) => t.state)).toEqual(["success", "success", "success", "success", "success"]);
    expect(await hashTree(path.join(h.home, "scratch"))).toEqual(await hashTree(src));
    expect(smtp.mails[0].raw).toContain("verify: success");
  });
});

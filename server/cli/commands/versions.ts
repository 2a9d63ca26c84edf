import { parseArgs, type Command } from "../command";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

const versions: Command = {
  name: "versions",
  summary: "list or restore file versions, or set a folder's versioning",
  usage: "ferry versions list FOLDER [PATH] | restore FOLDER PATH VERSION | set FOLDER none|trashcan|simple|staggered [--param k=v]…",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, ["param"]);
    const [folderId, second, third] = a.positionals;
    if (!folderId) throw new Error(`usage: ${versions.usage}`);
    switch (sub) {
      case "list": {
        const r = await client.versions.list.query({ folderId, path: second });
        if (json) return out(JSON.stringify(r, null, 2));
        out(`versioning: ${r.versioning.type}`);
        if (!r.files.length) return out("no versions");
        for (const f of r.files) {
          out(f.path);
          for (const v of f.versions) out(`  ${when(v.versionTime)}  ${String(v.size).padStart(10)} bytes  ${v.version}`);
        }
        return;
      }
      case "restore": {
        if (!second || !third) throw new Error("ferry versions restore needs FOLDER PATH VERSION (VERSION as shown by ferry versions list)");
        const r = await client.versions.restore.mutate({ folderId, path: second, version: third });
        return out(json ? JSON.stringify(r) : `restored ${r.path} from ${r.version}`);
      }
      case "set": {
        if (!second) throw new Error("ferry versions set needs a type: none, trashcan, simple or staggered");
        const params: Record<string, string> = {};
        for (const p of a.all("param")) {
          const eq = p.indexOf("=");
          if (eq <= 0) throw new Error(`--param takes key=value, got "${p}"`);
          params[p.slice(0, eq)] = p.slice(eq + 1);
        }
        const r = await client.versions.setVersioning.mutate({ folderId, type: second as "none", params });
        return out(json ? JSON.stringify(r) : `versioning of ${folderId}: ${r.type} ${JSON.stringify(r.params)}`);
      }
      default:
        throw new Error(`usage: ${versions.usage}`);
    }
  },
};
export default versions;

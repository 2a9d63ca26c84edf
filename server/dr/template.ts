/**
 * The built-in DR test: back up a folder, copy it to the remote site, restore the snapshot into a
 * scratch directory (its duration is the measured RTO), verify the repository and the restore,
 * and report whatever happened. Users apply it as it is or edit the params.
 */
export function drTestTemplate(folder: string): string {
  return `id: dr-test-${folder}
description: "DR test of ${folder}: backup, replicate, restore into scratch, verify, report"
schedule: "@weekly"
timezone: UTC
overlap: skip
catchup: 1d
rpo: 8d
params:
  folder: ${folder}
  repository: /srv/ferry-backups
  replica: /srv/ferry-replica/${folder}
  scratch: /var/tmp/ferry-dr-test/${folder}
  report: ops@example.com
tasks:
  - id: backup
    kind: backup.restic
    with: { folder: "\${params.folder}", repository: "\${params.repository}" }
    retries: 1
    retryDelay: 1m
    timeout: 6h
  - id: replicate
    kind: replicate.rsync
    needs: [backup]
    with: { folder: "\${params.folder}", target: "\${params.replica}", delete: true }
    retries: 2
    timeout: 6h
  - id: restore
    kind: restore.restic
    needs: [backup]
    with: { repository: "\${params.repository}", snapshot: upstream, target: "\${params.scratch}", overwrite: true }
    timeout: 6h
  - id: verify
    kind: verify.restic
    needs: [restore]
    with: { repository: "\${params.repository}", snapshot: upstream, readData: "5%" }
    timeout: 6h
  - id: report
    kind: notify.email
    needs: [replicate, verify]
    trigger: all_done
    with: { to: "\${params.report}" }
`;
}

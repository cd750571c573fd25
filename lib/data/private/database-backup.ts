import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { workloadLabels } from '../../core/site/labels';
import {
  containerResources, restrictedContainerSecurityContext, scratchVolumes,
} from '../../core/workload/pod-defaults';
import type { ContainerBudget, Tier } from '../../core/spec/tier';
import { diskNode } from '../../core/workload/component-rules';
import { envVars } from '../../core/workload/pod-helpers';
import { siteCronJob } from './site-cron-job';
import { ClaimClass, createClaim } from '../../core/workload/volume-claims';

/** What the backup of one PostgreSQL database needs. */
export interface BackupSpec {
  /** Name of the database's StatefulSet and Service. */
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly uid: number;
  /** PostgreSQL database to dump. */
  readonly database: string;
  readonly secretName: string;
  readonly usernameKey: string;
  readonly passwordKey: string;
  readonly schedule: string;
  readonly retention: number;
  readonly size: string;
  readonly disk?: string;
  readonly claimClass: ClaimClass;
  readonly tier: Tier;
  readonly budget: ContainerBudget;
}

/** Where dumps are written in the backup pod. */
export const BACKUP_MOUNT_PATH = '/backup';

// Kubernetes expands $(NAME) in commands, so the shell's own $( is written $$(.
const BACKUP_SCRIPT = [
  'set -eu',
  `rm -f ${BACKUP_MOUNT_PATH}/*.partial`,
  `file="${BACKUP_MOUNT_PATH}/\${PGDATABASE}-$$(date -u +%Y%m%dT%H%M%SZ).dump"`,
  'pg_dump --format=custom --no-password --file="${file}.partial"',
  // Renamed only once complete: a dump cut short by a power loss never counts as a backup.
  'mv "${file}.partial" "${file}"',
  // The dump just written is always kept, then the newest others: a node without a
  // battery-backed clock that restarts offline after a power loss dates it before the dumps
  // it wrote earlier, and sorting by time alone would delete it first.
  `ls -1t ${BACKUP_MOUNT_PATH}/*.dump | grep -vxF "\${file}" | tail -n "+\${RETENTION}" | xargs -r rm -f --`,
].join('\n');

/**
 * A CronJob that dumps the database (`pg_dump`, custom format) to its own local
 * volume and keeps the newest `retention` dumps: an edge site cannot count on a
 * cloud snapshot, and a second volume (with `local`, a second disk) survives the
 * loss of the data disk.
 */
export function createBackup(scope: Construct, spec: BackupSpec): { cronJob: k8s.KubeCronJob; claim: k8s.KubePersistentVolumeClaim } {
  const name = `${spec.name}-backup`;
  const labels = workloadLabels(name);
  const nodeName = diskNode(spec.disk);
  const claim = createClaim(scope, 'BackupClaim', spec.claimClass, { name, namespace: spec.namespace, size: spec.size, tiers: [spec.tier], nodeName, disk: spec.disk });
  const scratch = scratchVolumes(['/tmp'], '64Mi');
  const container: k8s.Container = {
    name: 'backup',
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', '-c', BACKUP_SCRIPT],
    env: envVars({
      PGHOST: `${spec.name}.${spec.namespace}.svc`,
      PGPORT: '5432',
      PGDATABASE: spec.database,
      RETENTION: String(spec.retention),
    }, {
      PGUSER: { secretName: spec.secretName, key: spec.usernameKey },
      PGPASSWORD: { secretName: spec.secretName, key: spec.passwordKey },
    }),
    resources: containerResources(spec.budget),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: 'backup', mountPath: BACKUP_MOUNT_PATH }, ...scratch.volumeMounts],
  };
  const cronJob = siteCronJob(scope, 'Backup', {
    name, namespace: spec.namespace, labels, schedule: spec.schedule, tier: spec.tier, uid: spec.uid, budget: spec.budget,
    container, volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: name } }, ...scratch.volumes], backoffLimit: 3, nodeName,
  });
  return { cronJob, claim };
}

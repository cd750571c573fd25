/**
 * The individual Pod Security Standards controls, as enforced by the Kubernetes
 * Pod Security Admission controller (k8s.io/pod-security-admission/policy).
 *
 * Every control reports each offending field once, under the lowest level that
 * forbids it: a hostPath volume is a baseline 'HostPath Volumes' violation, not
 * also a restricted 'Volume Types' one; `capabilities.add: [SYS_ADMIN]` is a
 * baseline 'Capabilities' violation, `capabilities.add: [CHOWN]` a restricted one.
 *
 * Internal to the policy module; the public API is `../pod-security.ts`.
 */

/** One violation before the workload path prefix is applied. */
export interface Finding {
  /** The control's name on the Pod Security Standards page. */
  readonly control: string;
  /** The lowest level the control belongs to. */
  readonly level: 'baseline' | 'restricted';
  /** Path relative to the pod, e.g. 'spec.containers[0].securityContext.privileged'. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** The pod under evaluation. */
export interface PodUnderCheck {
  /** The pod's metadata (an object, possibly empty). */
  readonly metadata: any;
  /** The pod's spec (an object, possibly empty). */
  readonly spec: any;
  /** The policy version's Kubernetes minor; Infinity for 'latest'. */
  readonly minor: number;
}

type Control = (pod: PodUnderCheck, out: Finding[]) => void;

/** Capabilities baseline allows in `capabilities.add` (the container runtime defaults). */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** Volume sources restricted allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];

/** Safe sysctls, with the policy version that first allows each. */
const SAFE_SYSCTLS: ReadonlyArray<readonly [string, number]> = [
  ['kernel.shm_rmid_forced', 0],
  ['net.ipv4.ip_local_port_range', 0],
  ['net.ipv4.tcp_syncookies', 0],
  ['net.ipv4.ping_group_range', 0],
  ['net.ipv4.ip_unprivileged_port_start', 0],
  ['net.ipv4.ip_local_reserved_ports', 27],
  ['net.ipv4.tcp_keepalive_time', 29],
  ['net.ipv4.tcp_fin_timeout', 29],
  ['net.ipv4.tcp_keepalive_intvl', 29],
  ['net.ipv4.tcp_keepalive_probes', 29],
  ['net.ipv4.tcp_rmem', 32],
  ['net.ipv4.tcp_wmem', 32],
];

/** SELinux types baseline allows ('' = unset), with the policy version that first allows each. */
const SELINUX_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['', 0], ['container_t', 0], ['container_init_t', 0], ['container_kvm_t', 0], ['container_engine_t', 31],
];

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];
const APPARMOR_ALLOWED = ['RuntimeDefault', 'Localhost'];

/** The safe sysctls at a policy version. */
export function safeSysctls(minor: number): string[] {
  return SAFE_SYSCTLS.filter(([, since]) => minor >= since).map(([name]) => name);
}

/** The allowed SELinux types at a policy version ('' stands for unset). */
export function allowedSeLinuxTypes(minor: number): string[] {
  return SELINUX_TYPES.filter(([, since]) => minor >= since).map(([t]) => t);
}

interface ContainerRef {
  readonly c: any;
  /** e.g. 'spec.initContainers[1]' */
  readonly path: string;
}

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** containers, initContainers and ephemeralContainers, with their paths. */
function containersOf(spec: any): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[field]).forEach((c, i) => {
      if (isObj(c)) refs.push({ c, path: `spec.${field}[${i}]` });
    });
  }
  return refs;
}

function sc(c: any): Record<string, any> {
  return isObj(c.securityContext) ? c.securityContext : {};
}

function podSc(spec: any): Record<string, any> {
  return isObj(spec.securityContext) ? spec.securityContext : {};
}

/** The pod's securityContext, then each container's, with their paths. */
function securityContexts(spec: any): Array<[Record<string, any>, string]> {
  const contexts: Array<[Record<string, any>, string]> = [[podSc(spec), 'spec.securityContext']];
  for (const { c, path } of containersOf(spec)) contexts.push([sc(c), `${path}.securityContext`]);
  return contexts;
}

function isWindows(spec: any): boolean {
  return isObj(spec.os) && spec.os.name === 'windows';
}

function fmt(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function quoteAll(values: readonly string[]): string {
  return values.map((v) => (v === '' ? 'unset' : v)).join(', ');
}

// ---------------------------------------------------------------- baseline

const hostProcess: Control = ({ spec }, out) => {
  for (const [owner, path] of securityContexts(spec)) {
    if (isObj(owner.windowsOptions) && owner.windowsOptions.hostProcess === true) {
      out.push({
        control: 'HostProcess', level: 'baseline', path: `${path}.windowsOptions.hostProcess`,
        message: 'hostProcess is true: Windows HostProcess containers give privileged access to the host; allowed: unset or false',
      });
    }
  }
};

const hostNamespaces: Control = ({ spec }, out) => {
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) {
      out.push({
        control: 'Host Namespaces', level: 'baseline', path: `spec.${field}`,
        message: `${field} is true: sharing the host namespaces is forbidden; allowed: unset or false`,
      });
    }
  }
};

const privileged: Control = ({ spec }, out) => {
  for (const { c, path } of containersOf(spec)) {
    if (sc(c).privileged === true) {
      out.push({
        control: 'Privileged Containers', level: 'baseline', path: `${path}.securityContext.privileged`,
        message: 'privileged is true: privileged containers are forbidden; allowed: unset or false',
      });
    }
  }
};

const capabilitiesBaseline: Control = ({ spec }, out) => {
  for (const { c, path } of containersOf(spec)) {
    const caps = sc(c).capabilities;
    if (!isObj(caps)) continue;
    list(caps.add).forEach((cap, i) => {
      if (!BASELINE_CAPABILITIES.includes(cap)) {
        out.push({
          control: 'Capabilities', level: 'baseline', path: `${path}.securityContext.capabilities.add[${i}]`,
          message: `adds capability ${fmt(cap)}; allowed: ${BASELINE_CAPABILITIES.join(', ')}`,
        });
      }
    });
  }
};

const hostPathVolumes: Control = ({ spec }, out) => {
  list(spec.volumes).forEach((v, i) => {
    if (isObj(v) && v.hostPath !== undefined && v.hostPath !== null) {
      out.push({
        control: 'HostPath Volumes', level: 'baseline', path: `spec.volumes[${i}].hostPath`,
        message: `volume ${fmt(v.name)} is a hostPath volume: hostPath volumes are forbidden`,
      });
    }
  });
};

const hostPorts: Control = ({ spec }, out) => {
  for (const { c, path } of containersOf(spec)) {
    list(c.ports).forEach((p, i) => {
      if (isObj(p) && p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
        out.push({
          control: 'Host Ports', level: 'baseline', path: `${path}.ports[${i}].hostPort`,
          message: `hostPort is ${fmt(p.hostPort)}: host ports are forbidden; allowed: unset or 0`,
        });
      }
    });
  }
};

const hostProbes: Control = ({ spec, minor }, out) => {
  if (minor < 34) return;
  for (const { c, path } of containersOf(spec)) {
    const handlers: Array<[any, string]> = [
      [c.livenessProbe, 'livenessProbe'], [c.readinessProbe, 'readinessProbe'], [c.startupProbe, 'startupProbe'],
    ];
    if (isObj(c.lifecycle)) {
      handlers.push([c.lifecycle.postStart, 'lifecycle.postStart'], [c.lifecycle.preStop, 'lifecycle.preStop']);
    }
    for (const [h, name] of handlers) {
      if (!isObj(h)) continue;
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = isObj(h[kind]) ? h[kind].host : undefined;
        if (typeof host === 'string' && host !== '') {
          out.push({
            control: 'Host Probes / Lifecycle Hooks', level: 'baseline', path: `${path}.${name}.${kind}.host`,
            message: `host is ${fmt(host)}: probes and lifecycle hooks may not target another host; allowed: unset or ""`,
          });
        }
      }
    }
  }
};

const appArmor: Control = ({ metadata, spec }, out) => {
  const annotations = isObj(metadata) && isObj(metadata.annotations) ? metadata.annotations : {};
  for (const key of Object.keys(annotations).sort()) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const value = annotations[key];
    const ok = value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
    if (!ok) {
      out.push({
        control: 'AppArmor', level: 'baseline', path: `metadata.annotations[${key}]`,
        message: `AppArmor profile ${fmt(value)} is forbidden; allowed: unset, runtime/default, localhost/*`,
      });
    }
  }
  for (const [owner, path] of securityContexts(spec)) {
    if (isObj(owner.appArmorProfile) && !APPARMOR_ALLOWED.includes(owner.appArmorProfile.type)) {
      out.push({
        control: 'AppArmor', level: 'baseline', path: `${path}.appArmorProfile.type`,
        message: `AppArmor profile type ${fmt(owner.appArmorProfile.type)} is forbidden; allowed: unset, ${APPARMOR_ALLOWED.join(', ')}`,
      });
    }
  }
};

const seLinux: Control = ({ spec, minor }, out) => {
  const types = allowedSeLinuxTypes(minor);
  for (const [owner, path] of securityContexts(spec)) {
    const opts = owner.seLinuxOptions;
    if (!isObj(opts)) continue;
    const type = opts.type ?? '';
    if (!types.includes(type)) {
      out.push({
        control: 'SELinux', level: 'baseline', path: `${path}.seLinuxOptions.type`,
        message: `SELinux type ${fmt(type)} is forbidden; allowed: ${quoteAll(types)}`,
      });
    }
    for (const field of ['user', 'role']) {
      if (opts[field] !== undefined && opts[field] !== null && opts[field] !== '') {
        out.push({
          control: 'SELinux', level: 'baseline', path: `${path}.seLinuxOptions.${field}`,
          message: `SELinux ${field} ${fmt(opts[field])} is forbidden; allowed: unset or ""`,
        });
      }
    }
  }
};

const procMount: Control = ({ spec }, out) => {
  for (const { c, path } of containersOf(spec)) {
    const v = sc(c).procMount;
    if (v !== undefined && v !== null && v !== 'Default') {
      out.push({
        control: '/proc Mount Type', level: 'baseline', path: `${path}.securityContext.procMount`,
        message: `procMount ${fmt(v)} is forbidden: the default /proc masks are required; allowed: unset or Default`,
      });
    }
  }
};

const seccompBaseline: Control = ({ spec }, out) => {
  for (const [owner, path] of securityContexts(spec)) {
    if (isObj(owner.seccompProfile) && !SECCOMP_ALLOWED.includes(owner.seccompProfile.type)) {
      out.push({
        control: 'Seccomp', level: 'baseline', path: `${path}.seccompProfile.type`,
        message: `seccomp profile type ${fmt(owner.seccompProfile.type)} is forbidden; allowed: unset, ${SECCOMP_ALLOWED.join(', ')}`,
      });
    }
  }
};

const sysctls: Control = ({ spec, minor }, out) => {
  const safe = safeSysctls(minor);
  list(podSc(spec).sysctls).forEach((s, i) => {
    const name = isObj(s) ? s.name : undefined;
    if (!safe.includes(name)) {
      out.push({
        control: 'Sysctls', level: 'baseline', path: `spec.securityContext.sysctls[${i}].name`,
        message: `sysctl ${fmt(name)} is not a safe sysctl; allowed: ${safe.join(', ')}`,
      });
    }
  });
};

// ---------------------------------------------------------------- restricted

const volumeTypes: Control = ({ spec }, out) => {
  list(spec.volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    for (const key of Object.keys(v)) {
      // hostPath is reported by the baseline 'HostPath Volumes' control.
      if (key === 'name' || key === 'hostPath' || v[key] === undefined || v[key] === null) continue;
      if (!RESTRICTED_VOLUME_TYPES.includes(key)) {
        out.push({
          control: 'Volume Types', level: 'restricted', path: `spec.volumes[${i}].${key}`,
          message: `volume ${fmt(v.name)} is a ${key} volume; allowed volume types: ${RESTRICTED_VOLUME_TYPES.join(', ')}`,
        });
      }
    }
  });
};

const privilegeEscalation: Control = ({ spec, minor }, out) => {
  if (minor < 8 || (minor >= 25 && isWindows(spec))) return;
  for (const { c, path } of containersOf(spec)) {
    const v = sc(c).allowPrivilegeEscalation;
    if (v !== false) {
      out.push({
        control: 'Privilege Escalation', level: 'restricted', path: `${path}.securityContext.allowPrivilegeEscalation`,
        message: `allowPrivilegeEscalation is ${v === undefined || v === null ? 'unset' : fmt(v)}; it must be false`,
      });
    }
  }
};

const runAsNonRoot: Control = ({ spec }, out) => {
  const pod = podSc(spec).runAsNonRoot;
  if (pod === false) {
    out.push({
      control: 'Running as Non-root', level: 'restricted', path: 'spec.securityContext.runAsNonRoot',
      message: 'runAsNonRoot is false; it must be true',
    });
  }
  for (const { c, path } of containersOf(spec)) {
    const v = sc(c).runAsNonRoot;
    if (v === false) {
      out.push({
        control: 'Running as Non-root', level: 'restricted', path: `${path}.securityContext.runAsNonRoot`,
        message: 'runAsNonRoot is false; it must be true',
      });
    } else if (v !== true && pod !== true && pod !== false) {
      out.push({
        control: 'Running as Non-root', level: 'restricted', path: `${path}.securityContext.runAsNonRoot`,
        message: 'runAsNonRoot is unset here and on the pod; set spec.securityContext.runAsNonRoot=true (or true on every container)',
      });
    }
  }
};

const runAsUser: Control = ({ spec, minor }, out) => {
  if (minor < 23) return;
  for (const [owner, path] of securityContexts(spec)) {
    if (owner.runAsUser === 0) {
      out.push({
        control: 'Running as Non-root user', level: 'restricted', path: `${path}.runAsUser`,
        message: 'runAsUser is 0 (root); allowed: unset or any non-zero UID',
      });
    }
  }
};

const seccompRestricted: Control = ({ spec, minor }, out) => {
  if (minor < 19 || (minor >= 25 && isWindows(spec))) return;
  // A pod-level profile (valid, or invalid and already reported by baseline) covers containers that set none.
  if (isObj(podSc(spec).seccompProfile)) return;
  for (const { c, path } of containersOf(spec)) {
    if (!isObj(sc(c).seccompProfile)) {
      out.push({
        control: 'Seccomp', level: 'restricted', path: `${path}.securityContext.seccompProfile.type`,
        message: 'no seccomp profile here or on the pod; set spec.securityContext.seccompProfile.type (or on every container) to RuntimeDefault or Localhost',
      });
    }
  }
};

const capabilitiesRestricted: Control = ({ spec, minor }, out) => {
  if (minor < 22 || (minor >= 25 && isWindows(spec))) return;
  for (const { c, path } of containersOf(spec)) {
    const caps = isObj(sc(c).capabilities) ? sc(c).capabilities : {};
    if (!list(caps.drop).includes('ALL')) {
      out.push({
        control: 'Capabilities', level: 'restricted', path: `${path}.securityContext.capabilities.drop`,
        message: 'capabilities.drop does not include ALL; containers must drop ALL capabilities',
      });
    }
    list(caps.add).forEach((cap, i) => {
      // Capabilities outside the baseline list are reported by the baseline control.
      if (cap !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.includes(cap)) {
        out.push({
          control: 'Capabilities', level: 'restricted', path: `${path}.securityContext.capabilities.add[${i}]`,
          message: `adds capability ${fmt(cap)}; restricted allows adding only NET_BIND_SERVICE`,
        });
      }
    });
  }
};

/** Baseline controls, in the order of the Pod Security Standards page. */
export const BASELINE_CONTROLS: readonly Control[] = [
  hostProcess, hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, hostProbes,
  appArmor, seLinux, procMount, seccompBaseline, sysctls,
];

/** Controls restricted adds to baseline, in the order of the Pod Security Standards page. */
export const RESTRICTED_CONTROLS: readonly Control[] = [
  volumeTypes, privilegeEscalation, runAsNonRoot, runAsUser, seccompRestricted, capabilitiesRestricted,
];

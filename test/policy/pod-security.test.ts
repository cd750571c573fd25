import {
  checkPodSecurity,
  checkWorkloadPodSecurity,
  namespaceEnforceLevel,
  PodSecurityLevel,
  PodSecurityViolation,
  podTemplateOf,
} from '../../lib/core/policy/pod-security';

/** A pod that meets restricted, with an init container and an ephemeral container. */
function restrictedPod(): { metadata: any; spec: any } {
  const containerSc = () => ({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
  });
  return {
    metadata: { name: 'app', annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } },
    spec: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      },
      initContainers: [{ name: 'init', image: 'busybox:1.36', securityContext: containerSc() }],
      containers: [{
        name: 'app',
        image: 'nginx:1.27',
        ports: [{ containerPort: 8080 }],
        securityContext: { ...containerSc(), capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36', securityContext: containerSc() }],
      volumes: [
        { name: 'tmp', emptyDir: {} },
        { name: 'config', configMap: { name: 'app' } },
        { name: 'token', projected: { sources: [] } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      ],
    },
  };
}

type Mutation = (pod: { metadata: any; spec: any }) => void;

/** Applies one mutation to a compliant pod and checks it. */
function violationsAfter(mutate: Mutation, level: PodSecurityLevel = 'restricted', version?: string): PodSecurityViolation[] {
  const pod = restrictedPod();
  mutate(pod);
  return checkPodSecurity(pod, level, { version });
}

describe('checkPodSecurity', () => {
  test('WHEN a pod meets restricted THEN no level reports a violation', () => {
    for (const level of ['privileged', 'baseline', 'restricted'] as const) {
      expect(checkPodSecurity(restrictedPod(), level)).toEqual([]);
    }
  });

  test('WHEN the pod sets nothing THEN baseline passes and restricted names every missing field', () => {
    const pod = { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };
    expect(checkPodSecurity(pod, 'baseline')).toEqual([]);
    expect(checkPodSecurity(pod, 'restricted').map((v) => `${v.control} ${v.path}`)).toEqual([
      'Privilege Escalation spec.containers[0].securityContext.allowPrivilegeEscalation',
      'Running as Non-root spec.containers[0].securityContext.runAsNonRoot',
      'Seccomp spec.containers[0].securityContext.seccompProfile.type',
      'Capabilities spec.containers[0].securityContext.capabilities.drop',
    ]);
  });

  // One field breaks one control: [name, mutation, control, level, path]
  const cases: Array<[string, Mutation, string, 'baseline' | 'restricted', string]> = [
    // ---- baseline
    ['pod-level hostProcess', (p) => { p.spec.securityContext.windowsOptions = { hostProcess: true }; },
      'HostProcess', 'baseline', 'spec.securityContext.windowsOptions.hostProcess'],
    ['container hostProcess', (p) => { p.spec.containers[0].securityContext.windowsOptions = { hostProcess: true }; },
      'HostProcess', 'baseline', 'spec.containers[0].securityContext.windowsOptions.hostProcess'],
    ['hostNetwork', (p) => { p.spec.hostNetwork = true; }, 'Host Namespaces', 'baseline', 'spec.hostNetwork'],
    ['hostPID', (p) => { p.spec.hostPID = true; }, 'Host Namespaces', 'baseline', 'spec.hostPID'],
    ['hostIPC', (p) => { p.spec.hostIPC = true; }, 'Host Namespaces', 'baseline', 'spec.hostIPC'],
    ['privileged container', (p) => { p.spec.containers[0].securityContext.privileged = true; },
      'Privileged Containers', 'baseline', 'spec.containers[0].securityContext.privileged'],
    ['privileged init container', (p) => { p.spec.initContainers[0].securityContext.privileged = true; },
      'Privileged Containers', 'baseline', 'spec.initContainers[0].securityContext.privileged'],
    ['privileged ephemeral container', (p) => { p.spec.ephemeralContainers[0].securityContext.privileged = true; },
      'Privileged Containers', 'baseline', 'spec.ephemeralContainers[0].securityContext.privileged'],
    ['SYS_ADMIN capability', (p) => { p.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']; },
      'Capabilities', 'baseline', 'spec.containers[0].securityContext.capabilities.add[1]'],
    ['hostPath volume', (p) => { p.spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }); },
      'HostPath Volumes', 'baseline', 'spec.volumes[4].hostPath'],
    ['hostPort', (p) => { p.spec.containers[0].ports[0].hostPort = 80; },
      'Host Ports', 'baseline', 'spec.containers[0].ports[0].hostPort'],
    ['liveness probe host', (p) => { p.spec.containers[0].livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }; },
      'Host Probes / Lifecycle Hooks', 'baseline', 'spec.containers[0].livenessProbe.httpGet.host'],
    ['preStop hook host', (p) => { p.spec.containers[0].lifecycle = { preStop: { tcpSocket: { host: 'node', port: 22 } } }; },
      'Host Probes / Lifecycle Hooks', 'baseline', 'spec.containers[0].lifecycle.preStop.tcpSocket.host'],
    ['unconfined AppArmor annotation', (p) => { p.metadata.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined'; },
      'AppArmor', 'baseline', 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]'],
    ['unconfined AppArmor profile field', (p) => { p.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }; },
      'AppArmor', 'baseline', 'spec.containers[0].securityContext.appArmorProfile.type'],
    ['pod-level unconfined AppArmor profile', (p) => { p.spec.securityContext.appArmorProfile = { type: 'Unconfined' }; },
      'AppArmor', 'baseline', 'spec.securityContext.appArmorProfile.type'],
    ['custom SELinux type', (p) => { p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }; },
      'SELinux', 'baseline', 'spec.securityContext.seLinuxOptions.type'],
    ['SELinux user', (p) => { p.spec.containers[0].securityContext.seLinuxOptions = { user: 'system_u' }; },
      'SELinux', 'baseline', 'spec.containers[0].securityContext.seLinuxOptions.user'],
    ['SELinux role', (p) => { p.spec.initContainers[0].securityContext.seLinuxOptions = { role: 'system_r' }; },
      'SELinux', 'baseline', 'spec.initContainers[0].securityContext.seLinuxOptions.role'],
    ['unmasked /proc', (p) => { p.spec.containers[0].securityContext.procMount = 'Unmasked'; },
      '/proc Mount Type', 'baseline', 'spec.containers[0].securityContext.procMount'],
    ['pod-level unconfined seccomp', (p) => { p.spec.securityContext.seccompProfile = { type: 'Unconfined' }; },
      'Seccomp', 'baseline', 'spec.securityContext.seccompProfile.type'],
    ['container unconfined seccomp', (p) => { p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; },
      'Seccomp', 'baseline', 'spec.containers[0].securityContext.seccompProfile.type'],
    ['unsafe sysctl', (p) => { p.spec.securityContext.sysctls.push({ name: 'kernel.msgmax', value: '65536' }); },
      'Sysctls', 'baseline', 'spec.securityContext.sysctls[1].name'],
    // ---- restricted
    ['nfs volume', (p) => { p.spec.volumes[1] = { name: 'share', nfs: { server: 'nas', path: '/x' } }; },
      'Volume Types', 'restricted', 'spec.volumes[1].nfs'],
    ['allowPrivilegeEscalation true', (p) => { p.spec.containers[0].securityContext.allowPrivilegeEscalation = true; },
      'Privilege Escalation', 'restricted', 'spec.containers[0].securityContext.allowPrivilegeEscalation'],
    ['allowPrivilegeEscalation unset on an init container', (p) => { delete p.spec.initContainers[0].securityContext.allowPrivilegeEscalation; },
      'Privilege Escalation', 'restricted', 'spec.initContainers[0].securityContext.allowPrivilegeEscalation'],
    ['pod runAsNonRoot false', (p) => { p.spec.securityContext.runAsNonRoot = false; },
      'Running as Non-root', 'restricted', 'spec.securityContext.runAsNonRoot'],
    ['container runAsNonRoot false', (p) => { p.spec.ephemeralContainers[0].securityContext.runAsNonRoot = false; },
      'Running as Non-root', 'restricted', 'spec.ephemeralContainers[0].securityContext.runAsNonRoot'],
    ['pod runAsUser 0', (p) => { p.spec.securityContext.runAsUser = 0; },
      'Running as Non-root user', 'restricted', 'spec.securityContext.runAsUser'],
    ['container runAsUser 0', (p) => { p.spec.containers[0].securityContext.runAsUser = 0; },
      'Running as Non-root user', 'restricted', 'spec.containers[0].securityContext.runAsUser'],
    ['capabilities not dropped', (p) => { p.spec.containers[0].securityContext.capabilities.drop = ['NET_RAW']; },
      'Capabilities', 'restricted', 'spec.containers[0].securityContext.capabilities.drop'],
    ['CHOWN capability', (p) => { p.spec.containers[0].securityContext.capabilities.add = ['CHOWN']; },
      'Capabilities', 'restricted', 'spec.containers[0].securityContext.capabilities.add[0]'],
  ];

  test.each(cases)('WHEN a restricted pod gets %s THEN exactly that violation is reported', (_name, mutate, control, level, path) => {
    const violations = violationsAfter(mutate);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ control, level, path });
    expect(violations[0].message.length).toBeGreaterThan(10);
    // A baseline violation fails baseline too; a restricted one passes baseline.
    expect(violationsAfter(mutate, 'baseline')).toHaveLength(level === 'baseline' ? 1 : 0);
    // Privileged accepts it.
    expect(violationsAfter(mutate, 'privileged')).toEqual([]);
  });

  test('WHEN runAsNonRoot is missing on the pod THEN each container without it is named', () => {
    const v = violationsAfter((p) => {
      delete p.spec.securityContext.runAsNonRoot;
      p.spec.containers[0].securityContext.runAsNonRoot = true;
    });
    expect(v.map((x) => x.path)).toEqual([
      'spec.initContainers[0].securityContext.runAsNonRoot',
      'spec.ephemeralContainers[0].securityContext.runAsNonRoot',
    ]);
    expect(v.every((x) => x.control === 'Running as Non-root' && x.level === 'restricted')).toBe(true);
  });

  test('WHEN the pod-level seccomp profile is missing but every container sets one THEN restricted passes', () => {
    const v = violationsAfter((p) => {
      delete p.spec.securityContext.seccompProfile;
      for (const c of [...p.spec.initContainers, ...p.spec.containers, ...p.spec.ephemeralContainers]) {
        c.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'edge.json' };
      }
    });
    expect(v).toEqual([]);
  });

  test('WHEN the pod-level seccomp profile is missing and one container has none THEN that container is named', () => {
    const v = violationsAfter((p) => {
      delete p.spec.securityContext.seccompProfile;
      p.spec.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    });
    expect(v.map((x) => `${x.control}|${x.level}|${x.path}`)).toEqual([
      'Seccomp|restricted|spec.initContainers[0].securityContext.seccompProfile.type',
      'Seccomp|restricted|spec.ephemeralContainers[0].securityContext.seccompProfile.type',
    ]);
  });

  describe('baseline-allowed but restricted-forbidden', () => {
    const cases2: Array<[string, Mutation]> = [
      ['running as root', (p) => { p.spec.securityContext.runAsUser = 0; p.spec.securityContext.runAsNonRoot = false; }],
      ['a csi-less cloud volume (awsElasticBlockStore)', (p) => { p.spec.volumes.push({ name: 'ebs', awsElasticBlockStore: { volumeID: 'vol-1' } }); }],
      ['no seccomp profile at all', (p) => {
        delete p.spec.securityContext.seccompProfile;
      }],
      ['KILL and CHOWN added', (p) => { p.spec.containers[0].securityContext.capabilities = { add: ['KILL', 'CHOWN'] }; }],
      ['allowPrivilegeEscalation unset everywhere', (p) => {
        for (const c of p.spec.containers) delete c.securityContext.allowPrivilegeEscalation;
      }],
    ];
    test.each(cases2)('WHEN %s THEN baseline passes and restricted fails', (_n, mutate) => {
      expect(violationsAfter(mutate, 'baseline')).toEqual([]);
      const v = violationsAfter(mutate, 'restricted');
      expect(v.length).toBeGreaterThan(0);
      expect(v.every((x) => x.level === 'restricted')).toBe(true);
    });
  });

  test('WHEN a field breaks baseline THEN restricted reports it once, at level baseline', () => {
    const v = violationsAfter((p) => { p.spec.volumes.push({ name: 'host', hostPath: { path: '/' } }); });
    expect(v).toEqual([expect.objectContaining({ control: 'HostPath Volumes', level: 'baseline' })]);
  });

  test('WHEN everything is wrong THEN privileged still accepts it', () => {
    const pod = {
      spec: {
        hostNetwork: true, hostPID: true,
        securityContext: { runAsUser: 0, sysctls: [{ name: 'vm.swappiness', value: '1' }] },
        containers: [{ name: 'x', securityContext: { privileged: true, capabilities: { add: ['ALL'] } }, ports: [{ hostPort: 22 }] }],
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
      },
    };
    expect(checkPodSecurity(pod, 'privileged')).toEqual([]);
    expect(checkPodSecurity(pod, 'baseline').length).toBeGreaterThanOrEqual(6);
  });

  describe('Windows pods', () => {
    test('WHEN spec.os.name is windows THEN the Linux-only restricted controls are skipped', () => {
      const pod = {
        spec: {
          os: { name: 'windows' },
          securityContext: { runAsNonRoot: true },
          containers: [{ name: 'iis', image: 'mcr.microsoft.com/windows/servercore/iis:20240312' }],
        },
      };
      expect(checkPodSecurity(pod, 'restricted')).toEqual([]);
    });

    test('WHEN a windows pod does not run as non-root THEN restricted still fails', () => {
      const pod = { spec: { os: { name: 'windows' }, containers: [{ name: 'iis' }] } };
      expect(checkPodSecurity(pod, 'restricted').map((v) => v.control)).toEqual(['Running as Non-root']);
    });

    test('WHEN a windows pod asks for hostProcess THEN baseline fails', () => {
      const pod = { spec: { os: { name: 'windows' }, securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'x' }] } };
      expect(checkPodSecurity(pod, 'baseline')).toEqual([expect.objectContaining({ control: 'HostProcess' })]);
    });
  });

  describe('policy versions', () => {
    test('WHEN a sysctl added to the safe list in v1.29 is used THEN v1.28 rejects it and v1.29 and latest accept it', () => {
      const mutate: Mutation = (p) => { p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }]; };
      expect(violationsAfter(mutate, 'baseline', 'v1.28')).toEqual([expect.objectContaining({ control: 'Sysctls' })]);
      expect(violationsAfter(mutate, 'baseline', '1.29')).toEqual([]);
      expect(violationsAfter(mutate, 'baseline', 'latest')).toEqual([]);
    });

    test('WHEN tcp_rmem is used THEN only v1.32+ accepts it', () => {
      const mutate: Mutation = (p) => { p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]; };
      expect(violationsAfter(mutate, 'baseline', 'v1.31')).toHaveLength(1);
      expect(violationsAfter(mutate, 'baseline', 'v1.32')).toEqual([]);
    });

    test('WHEN SELinux type container_engine_t is used THEN v1.30 rejects it and v1.31 accepts it', () => {
      const mutate: Mutation = (p) => { p.spec.containers[0].securityContext.seLinuxOptions = { type: 'container_engine_t', level: 's0:c1,c2' }; };
      expect(violationsAfter(mutate, 'baseline', 'v1.30')).toEqual([expect.objectContaining({ control: 'SELinux' })]);
      expect(violationsAfter(mutate, 'baseline', 'v1.31')).toEqual([]);
    });

    test('WHEN a probe sets a host THEN v1.33 accepts it and v1.34 rejects it', () => {
      const mutate: Mutation = (p) => { p.spec.containers[0].readinessProbe = { tcpSocket: { host: '127.0.0.1', port: 8080 } }; };
      expect(violationsAfter(mutate, 'baseline', 'v1.33')).toEqual([]);
      expect(violationsAfter(mutate, 'baseline', 'v1.34')).toHaveLength(1);
    });

    test('WHEN the version or level is not valid THEN it throws', () => {
      expect(() => checkPodSecurity(restrictedPod(), 'restricted', { version: '2.0' })).toThrow(/latest/);
      expect(() => checkPodSecurity(restrictedPod(), 'strict' as PodSecurityLevel)).toThrow(/privileged, baseline, restricted/);
    });
  });

  test('WHEN a pathPrefix is given THEN every path starts with it', () => {
    const v = checkPodSecurity({ spec: { hostIPC: true, containers: [] } }, 'baseline', { pathPrefix: 'spec.template' });
    expect(v.map((x) => x.path)).toEqual(['spec.template.spec.hostIPC']);
  });

  test('WHEN the spec is not an object THEN there is nothing to violate', () => {
    expect(checkPodSecurity({ spec: null }, 'restricted')).toEqual([]);
  });
});

describe('podTemplateOf / checkWorkloadPodSecurity', () => {
  const { metadata, spec } = restrictedPod();
  const template = { metadata: { labels: { app: 'x' }, annotations: metadata.annotations }, spec };
  const objects: Array<[string, string, any, string]> = [
    ['Pod', 'v1', { metadata, spec }, ''],
    ['Deployment', 'apps/v1', { spec: { template } }, 'spec.template'],
    ['StatefulSet', 'apps/v1', { spec: { template } }, 'spec.template'],
    ['DaemonSet', 'apps/v1', { spec: { template } }, 'spec.template'],
    ['ReplicaSet', 'apps/v1', { spec: { template } }, 'spec.template'],
    ['ReplicationController', 'v1', { spec: { template } }, 'spec.template'],
    ['Job', 'batch/v1', { spec: { template } }, 'spec.template'],
    ['CronJob', 'batch/v1', { spec: { jobTemplate: { spec: { template } } } }, 'spec.jobTemplate.spec.template'],
  ];

  test.each(objects)('WHEN the object is a %s THEN its template is found at the right path', (kind, apiVersion, body, path) => {
    const obj = { apiVersion, kind, ...body };
    const found = podTemplateOf(obj);
    expect(found).toBeDefined();
    expect(found!.path).toBe(path);
    expect(found!.spec).toBe(spec);
    expect(checkWorkloadPodSecurity(obj, 'restricted')).toEqual([]);
  });

  test('WHEN a CronJob container is privileged THEN the path is relative to the CronJob', () => {
    const bad = JSON.parse(JSON.stringify(spec));
    bad.containers[0].securityContext.privileged = true;
    const obj = { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: bad } } } } };
    expect(checkWorkloadPodSecurity(obj, 'baseline')).toEqual([expect.objectContaining({
      control: 'Privileged Containers',
      path: 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
    })]);
  });

  test('WHEN a Deployment template carries an unconfined AppArmor annotation THEN the path points into the template metadata', () => {
    const obj = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      spec: { template: { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }, spec } },
    };
    expect(checkWorkloadPodSecurity(obj, 'baseline').map((v) => v.path)).toEqual([
      'spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]',
    ]);
  });

  test('WHEN the object carries no pod template THEN there is none and nothing to check', () => {
    expect(podTemplateOf({ apiVersion: 'v1', kind: 'Service', spec: {} })).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'example.com/v1', kind: 'Deployment', spec: { template: { spec: {} } } })).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: {} })).toBeUndefined();
    expect(podTemplateOf(null)).toBeUndefined();
    expect(checkWorkloadPodSecurity({ apiVersion: 'v1', kind: 'ConfigMap', data: {} }, 'restricted')).toEqual([]);
  });
});

describe('namespaceEnforceLevel', () => {
  const ns = (labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'edge', labels } });

  test('WHEN the enforce label is set THEN its level is returned', () => {
    expect(namespaceEnforceLevel(ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }))).toBe('baseline');
    expect(namespaceEnforceLevel(ns({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'latest' })))
      .toBe('privileged');
  });

  test('WHEN only warn/audit labels are set, or none THEN it is undefined', () => {
    expect(namespaceEnforceLevel(ns({ 'pod-security.kubernetes.io/warn': 'restricted' }))).toBeUndefined();
    expect(namespaceEnforceLevel(ns())).toBeUndefined();
  });

  test('WHEN the label value is not a level THEN restricted is returned, as Pod Security Admission does', () => {
    expect(namespaceEnforceLevel(ns({ 'pod-security.kubernetes.io/enforce': 'Restricted' }))).toBe('restricted');
  });

  test('WHEN the object is not a Namespace THEN it is undefined', () => {
    expect(namespaceEnforceLevel({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }))
      .toBeUndefined();
  });
});

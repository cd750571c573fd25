import { EdgeValidationError } from '../../lib';
import { CHARTS, ClusterPlatform, EdgeClusterStack, EdgeClusterStackProps, HELM_PROVIDER } from '../../lib/terraform';
import { InMemoryRoot } from '../../lib/terraform/private/stack-json';
import { fullPlatform, releasesOf, site, siteStack, valuesOf } from './support/stacks';

const minimal: ClusterPlatform = { cni: 'flannel', certManager: true, nodeCount: 1 };

function stackWith(platform: ClusterPlatform, count = 2): any {
  return siteStack(site({}, count), { platform: () => platform });
}

function build(props: Partial<EdgeClusterStackProps>): () => EdgeClusterStack {
  return () => new EdgeClusterStack(new InMemoryRoot(), 'site-a', {
    siteName: 'site-a', platform: minimal, access: { context: 'site-a' }, ...props,
  });
}

describe('EdgeClusterStack monitoring options', () => {
  test('WHEN selectorLabels or exporters are given in operator mode, or a selector label is invalid THEN each is an error at its path', () => {
    expect(build({ platform: { ...minimal, monitoring: { mode: 'operator', selectorLabels: { release: 'x' }, exporters: false } } }))
      .toThrow(/site-a\.platform\.monitoring\.selectorLabels: applies to mode kube-prometheus-stack only \(in operator mode there is no Prometheus server to select or feed\)[\s\S]*site-a\.platform\.monitoring\.exporters: applies to mode kube-prometheus-stack only/);
    expect(build({ platform: { ...minimal, monitoring: { mode: 'kube-prometheus-stack', selectorLabels: { 'bad key!': 'x' } } } }))
      .toThrow(/site-a\.platform\.monitoring\.selectorLabels\.bad key!: /);
  });
});

describe('EdgeClusterStack', () => {
  describe('releases per platform', () => {
    test('WHEN the site runs flannel with cert-manager THEN only cert-manager is released, with no dependency', () => {
      const releases = releasesOf(stackWith(minimal, 1));
      expect(Object.keys(releases)).toEqual(['cert-manager']);
      expect(releases['cert-manager'].depends_on).toBeUndefined();
    });

    test('WHEN every component is on THEN each chart is released from its pinned repository and version', () => {
      const releases = releasesOf(stackWith(fullPlatform()));
      expect(Object.keys(releases).sort()).toEqual(['cert-manager', 'cilium', 'falco', 'kube-prometheus-stack', 'longhorn', 'prometheus-operator-crds', 'spire', 'spire-crds']);
      for (const release of Object.values(releases)) {
        const source = (CHARTS as Record<string, { chart: string; repository?: string; version: string }>)[release.chart];
        expect(release).toMatchObject({ repository: source.repository, version: source.version });
      }
    });

    test('WHEN the stack is built THEN every release is atomic, waits with a 30 minute timeout and creates its namespace', () => {
      for (const release of Object.values(releasesOf(stackWith(fullPlatform())))) {
        expect(release).toMatchObject({ atomic: true, wait: true, wait_for_jobs: true, cleanup_on_fail: true, create_namespace: true, timeout: 1800, max_history: 5 });
      }
    });

    test('WHEN release settings are given THEN every release uses them', () => {
      const stack = siteStack(site(), { platform: () => minimal, settings: { releases: { timeoutSeconds: 3600, atomic: false, maxHistory: 2 } } });
      expect(releasesOf(stack)['cert-manager']).toMatchObject({ timeout: 3600, atomic: false, max_history: 2 });
    });
  });

  describe('ordering', () => {
    test('WHEN the site runs Cilium THEN every other release depends on it (no pod starts before the CNI)', () => {
      const releases = releasesOf(stackWith(fullPlatform()));
      expect(releases.cilium.depends_on).toBeUndefined();
      for (const name of ['cert-manager', 'spire-crds', 'spire', 'kube-prometheus-stack', 'longhorn', 'falco']) {
        expect(releases[name].depends_on).toContain('helm_release.cilium');
      }
    });

    test('WHEN the site runs SPIRE on Cilium THEN the main chart waits for the CNI and the CRDs chart', () => {
      const releases = releasesOf(stackWith(fullPlatform()));
      expect(releases.spire.depends_on).toEqual(['helm_release.cilium', 'helm_release.spire-crds']);
    });

    test('WHEN the site runs SPIRE on flannel THEN the main chart waits for the CRDs chart only', () => {
      const releases = releasesOf(stackWith({ ...minimal, spire: { trustDomain: 'edge.example.com' } }));
      expect(releases['spire-crds'].depends_on).toBeUndefined();
      expect(releases.spire.depends_on).toEqual(['helm_release.spire-crds']);
    });

    test('WHEN the site has a Flux agent THEN flux2 waits for every platform release and the bootstrap sync for flux2', () => {
      const platform: ClusterPlatform = { ...fullPlatform(), gitopsAgent: { kind: 'flux', flux: { url: 'https://git.example.com/acme/fleet.git' } } };
      const releases = releasesOf(stackWith(platform));
      expect([...releases.flux2.depends_on].sort()).toEqual(['cert-manager', 'cilium', 'falco', 'kube-prometheus-stack', 'longhorn', 'prometheus-operator-crds', 'spire', 'spire-crds'].map((n) => `helm_release.${n}`));
      expect(releases['edge-bootstrap'].depends_on).toEqual(['helm_release.flux2']);
    });
  });

  describe('values', () => {
    test('WHEN Cilium runs on a one-node site THEN it keeps kube-proxy, takes pod CIDRs from the nodes and runs one operator', () => {
      const values = valuesOf(releasesOf(stackWith({ ...minimal, cni: 'cilium' }, 1)).cilium);
      expect(values).toMatchObject({ kubeProxyReplacement: false, ipam: { mode: 'kubernetes' }, operator: { replicas: 1 } });
    });

    test('WHEN cert-manager is released THEN its CRDs are installed and kept', () => {
      expect(valuesOf(releasesOf(stackWith(minimal))['cert-manager'])).toMatchObject({ crds: { enabled: true, keep: true } });
    });

    test('WHEN the site runs SPIRE THEN the chart brings only the CSI driver, on SpireEdge\'s socket, with the trust domain and site name', () => {
      const values = valuesOf(releasesOf(stackWith(fullPlatform())).spire);
      expect(values).toEqual({
        'global': { spire: { trustDomain: 'edge.example.com', clusterName: 'site-a' } },
        'spire-server': { enabled: false },
        'spire-agent': { enabled: false },
        'spiffe-csi-driver': { enabled: true, agentSocketPath: '/run/spire/agent-sockets/spire-agent.sock' },
        'spiffe-oidc-discovery-provider': { enabled: false },
      });
    });

    test('WHEN SpireEdge uses another socket directory and cluster name THEN the driver and chart use them', () => {
      const values = valuesOf(releasesOf(stackWith({ ...minimal, spire: { trustDomain: 'edge.example.com', clusterName: 'plant3', socketHostPath: '/run/spire/sockets' } })).spire);
      expect(values.global.spire.clusterName).toBe('plant3');
      expect(values['spiffe-csi-driver'].agentSocketPath).toBe('/run/spire/sockets/spire-agent.sock');
    });

    test('WHEN monitoring is in operator mode THEN only the operator and its CRDs are installed', () => {
      const values = valuesOf(releasesOf(stackWith(fullPlatform()))['kube-prometheus-stack']);
      expect(values).toMatchObject({ prometheusOperator: { enabled: true }, prometheus: { enabled: false }, grafana: { enabled: false }, nodeExporter: { enabled: false } });
    });

    // Regression: the operator's CRDs came from the stack's `crds/` folder, which Helm never upgrades.
    test('WHEN monitoring is released THEN its CRDs come first from prometheus-operator-crds templates, kept on uninstall, and the stack ships none', () => {
      const releases = releasesOf(stackWith(fullPlatform()));
      expect(valuesOf(releases['kube-prometheus-stack']).crds).toEqual({ enabled: false });
      expect(releases['kube-prometheus-stack'].depends_on).toContain('helm_release.prometheus-operator-crds');
      expect(releases['prometheus-operator-crds']).toMatchObject({ chart: 'prometheus-operator-crds', version: '31.0.1', namespace: 'monitoring-platform' });
      expect(valuesOf(releases['prometheus-operator-crds'])).toEqual({ crds: { annotations: { 'helm.sh/resource-policy': 'keep' } } });
    });

    test('WHEN monitoring runs the whole stack THEN Prometheus keeps samples for the retention', () => {
      const values = valuesOf(releasesOf(stackWith({ ...minimal, monitoring: { mode: 'kube-prometheus-stack', retention: '3d' } }))['kube-prometheus-stack']);
      expect(values.prometheus).toEqual({ enabled: true, prometheusSpec: { retention: '3d', replicas: 1 } });
      expect(values.kubeStateMetrics).toEqual({ enabled: true });
    });

    test('WHEN Longhorn keeps 2 replicas THEN both the default setting and the class get 2, as Longhorn 1.10+ writes them', () => {
      const values = valuesOf(releasesOf(stackWith(fullPlatform(3), 3)).longhorn);
      expect(values.defaultSettings.defaultReplicaCount).toBe('{"v1":"2","v2":"2"}');
      expect(values.persistence).toEqual({ defaultClass: false, defaultClassReplicaCount: 2 });
    });

    test('WHEN Falco is on THEN it uses the modern eBPF probe', () => {
      expect(valuesOf(releasesOf(stackWith(fullPlatform())).falco).driver).toEqual({ kind: 'modern_ebpf' });
    });

    test('WHEN the Flux agent is set THEN the bootstrap sync applies the site\'s Flux folder of the repository', () => {
      const platform: ClusterPlatform = { ...minimal, gitopsAgent: { kind: 'flux', flux: { url: 'https://git.example.com/acme/fleet.git', path: 'out', secretName: 'git-creds' } } };
      const values = valuesOf(releasesOf(stackWith(platform))['edge-bootstrap']);
      expect(values.gitRepository.spec).toEqual({ url: 'https://git.example.com/acme/fleet.git', ref: { branch: 'main' }, interval: '5m', timeout: '2m', secretRef: { name: 'git-creds' } });
      expect(values.kustomization.spec.path).toBe('./out/gitops/flux/site-a');
    });

    test('WHEN the Fleet agent is set THEN it registers with the hub and takes its token write-only from an ephemeral variable', () => {
      const platform: ClusterPlatform = { ...minimal, gitopsAgent: { kind: 'fleet', fleet: { apiServerUrl: 'https://hub.example.com:6443' } } };
      const stack = stackWith(platform);
      const release = releasesOf(stack)['fleet-agent'];
      expect(release.namespace).toBe('cattle-fleet-system');
      expect(valuesOf(release)).toEqual({
        apiServerURL: 'https://hub.example.com:6443', clientID: 'site-a', clusterNamespace: 'fleet-default', labels: { 'edge.site': 'site-a', 'edge.tier': 'mini' },
      });
      expect(release.set_wo).toEqual([{ name: 'token', type: 'string', value: '${var.fleet_registration_token}' }]);
      expect(release.set_wo_revision).toBe(1);
      expect(stack.variable.fleet_registration_token).toMatchObject({ type: 'string', sensitive: true, ephemeral: true, nullable: false });
      expect(stack.variable.fleet_registration_token.default).toBeUndefined();
    });

    // Regression: the token went to `set_sensitive`, which the helm provider keeps in the state.
    test('WHEN the Fleet agent is set THEN no set_sensitive or other state-kept attribute references the token', () => {
      const platform: ClusterPlatform = { ...minimal, gitopsAgent: { kind: 'fleet', fleet: { apiServerUrl: 'https://hub.example.com:6443' } } };
      const release = releasesOf(stackWith(platform))['fleet-agent'];
      expect(release.set_sensitive).toBeUndefined();
      const { set_wo: _writeOnly, ...kept } = release;
      expect(JSON.stringify(kept)).not.toContain('fleet_registration_token');
    });

    test('WHEN the token is rotated THEN tokenRevision becomes set_wo_revision, and a revision below 1 is an error', () => {
      const fleet = (tokenRevision: number): ClusterPlatform => ({ ...minimal, gitopsAgent: { kind: 'fleet', fleet: { apiServerUrl: 'https://hub.example.com:6443', tokenRevision } } });
      expect(releasesOf(stackWith(fleet(3)))['fleet-agent'].set_wo_revision).toBe(3);
      expect(() => stackWith(fleet(0))).toThrow(/platform\.gitopsAgent\.fleet\.tokenRevision: 0 is not an integer from 1 to 1000000/);
    });
  });

  describe('provider and backend', () => {
    test('WHEN a stack is built THEN the helm provider is required from hashicorp/helm with a version constraint', () => {
      expect(stackWith(minimal).terraform.required_providers).toEqual({ helm: { source: HELM_PROVIDER.source, version: HELM_PROVIDER.version } });
    });

    test('WHEN access names a kubeconfig context THEN the provider uses it', () => {
      expect(stackWith(minimal).provider.helm).toEqual([{ kubernetes: { config_context: 'site-a', config_path: '~/.kube/config' } }]);
    });

    test('WHEN access is in-cluster THEN the provider has no kubernetes block', () => {
      const stack = siteStack(site(), { platform: () => minimal, settings: { access: { inCluster: true } } });
      expect(stack.provider.helm).toEqual([{}]);
    });

    test('WHEN no backend is set THEN the state is local, relative to the stack folder', () => {
      expect(stackWith(minimal).terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    });

    test('WHEN the backend is S3 THEN each stack has its own key and a lock file', () => {
      const stack = siteStack(site(), { platform: () => minimal, settings: { backend: { kind: 's3', bucket: 'edge-state', region: 'eu-central-1', prefix: 'fleet/' } } });
      expect(stack.terraform.backend).toEqual({ s3: { bucket: 'edge-state', key: 'fleet/site-a/terraform.tfstate', region: 'eu-central-1', encrypt: true, use_lockfile: true } });
    });

    test('WHEN the backend is GCS or HTTP THEN the state is per stack', () => {
      const gcs = siteStack(site(), { platform: () => minimal, settings: { backend: { kind: 'gcs', bucket: 'edge-state' } } });
      expect(gcs.terraform.backend).toEqual({ gcs: { bucket: 'edge-state', prefix: 'cdk8s-edge/site-a' } });
      const http = siteStack(site(), { platform: () => minimal, settings: { backend: { kind: 'http', address: 'https://state.example.com/tf/' } } });
      const address = 'https://state.example.com/tf/site-a';
      expect(http.terraform.backend).toEqual({ http: { address, lock_address: address, unlock_address: address } });
    });

    test('WHEN a chart version is overridden THEN that chart uses it', () => {
      const stack = siteStack(site(), { platform: () => minimal, settings: { chartVersions: { 'cert-manager': 'v1.19.2' } } });
      expect(releasesOf(stack)['cert-manager'].version).toBe('v1.19.2');
    });
  });

  describe('validation', () => {
    test('WHEN the access has no context and is not in-cluster THEN it is an error at access.context', () => {
      expect(build({ access: {} })).toThrow(/site-a\.access\.context: is required: the kubeconfig context/);
    });

    test('WHEN in-cluster access also names a context THEN it is an error at access.context', () => {
      expect(build({ access: { inCluster: true, context: 'x' } })).toThrow(/site-a\.access\.context: is not allowed with inCluster: true/);
    });

    test('WHEN the trust domain is not a SPIFFE trust domain THEN it is an error at spire.trustDomain', () => {
      expect(build({ platform: { ...minimal, spire: { trustDomain: 'Edge Example' } } })).toThrow(/site-a\.platform\.spire\.trustDomain: "Edge Example" is not a SPIFFE trust domain/);
    });

    test('WHEN the SPIRE socket directory is relative THEN it is an error at spire.socketHostPath', () => {
      const act = build({ platform: { ...minimal, spire: { trustDomain: 'edge.example.com', socketHostPath: 'run/spire' } } });
      expect(act).toThrow(EdgeValidationError);
      expect(act).toThrow(/site-a\.platform\.spire\.socketHostPath: "run\/spire" must be an absolute directory on the node/);
    });

    test('WHEN the SPIRE cluster name is not a DNS label THEN it is an error at spire.clusterName', () => {
      expect(build({ platform: { ...minimal, spire: { trustDomain: 'edge.example.com', clusterName: 'Plant_3' } } })).toThrow(/site-a\.platform\.spire\.clusterName: /);
    });

    test('WHEN the node count is not a whole number THEN it is an error at nodeCount', () => {
      expect(build({ platform: { ...minimal, nodeCount: 0 } })).toThrow(/site-a\.platform\.nodeCount: must be a whole number of at least 1, got 0/);
    });

    test('WHEN Longhorn keeps more replicas than the cluster has nodes THEN it is an error at longhorn.replicaCount', () => {
      expect(build({ platform: { ...minimal, nodeCount: 2, longhorn: { replicaCount: 3 } } })).toThrow(/site-a\.platform\.longhorn\.replicaCount: must be a whole number from 1 to 2/);
    });

    test('WHEN a component value is unknown THEN it is an error listing what is allowed', () => {
      const platform = { ...minimal, cni: 'calico', monitoring: { mode: 'thanos' } } as unknown as ClusterPlatform;
      expect(build({ platform })).toThrow(/site-a\.platform\.cni: "calico" is not one of flannel, cilium(.|\n)*site-a\.platform\.monitoring\.mode: "thanos" is not one of operator, kube-prometheus-stack/);
    });

    test('WHEN the retention is set in operator mode THEN it is an error at monitoring.retention', () => {
      expect(build({ platform: { ...minimal, monitoring: { retention: '2d' } } })).toThrow(/site-a\.platform\.monitoring\.retention: applies to mode kube-prometheus-stack only/);
    });

    test('WHEN the Flux agent has no repository THEN it is an error at gitopsAgent.flux', () => {
      expect(build({ platform: { ...minimal, gitopsAgent: { kind: 'flux' } } })).toThrow(/site-a\.platform\.gitopsAgent\.flux: is required with kind: flux/);
    });

    test('WHEN the repository URL holds credentials THEN it is an error at gitopsAgent.flux.url', () => {
      const platform: ClusterPlatform = { ...minimal, gitopsAgent: { kind: 'flux', flux: { url: 'https://user:pw@git.example.com/r.git' } } };
      expect(build({ platform })).toThrow(/site-a\.platform\.gitopsAgent\.flux\.url: .* must not hold credentials/);
    });

    test('WHEN the Fleet agent has no hub URL THEN it is an error at gitopsAgent.fleet', () => {
      expect(build({ platform: { ...minimal, gitopsAgent: { kind: 'fleet' } } })).toThrow(/site-a\.platform\.gitopsAgent\.fleet: is required with kind: fleet/);
    });

    test('WHEN a chart version is a range or the chart is unknown THEN each is an error at chartVersions', () => {
      expect(build({ chartVersions: { 'cilium': '^1.18', 'calico': '3.0.0' } })).toThrow(/site-a\.chartVersions\.cilium: "\^1\.18" is not an exact chart version like 1\.18\.6(.|\n)*site-a\.chartVersions\.calico: is not a chart of the platform layer/);
    });

    test('WHEN the local state path is absolute THEN it is an error at backend.path', () => {
      expect(build({ backend: { path: '/var/lib/tf/state' } })).toThrow(/site-a\.backend\.path: "\/var\/lib\/tf\/state" must be a path relative to the stack folder/);
    });

    test('WHEN an S3 backend has no region THEN it is an error at backend.region', () => {
      expect(build({ backend: { kind: 's3', bucket: 'edge-state' } })).toThrow(/site-a\.backend\.region: is required for the s3 backend/);
    });

    test('WHEN a backend field does not apply to its kind THEN it is an error at that field', () => {
      expect(build({ backend: { kind: 'gcs', bucket: 'edge-state', region: 'eu' } })).toThrow(/site-a\.backend\.region: does not apply to the gcs backend/);
    });

    test('WHEN the release timeout is under a minute THEN it is an error at releases.timeoutSeconds', () => {
      expect(build({ releases: { timeoutSeconds: 5 } })).toThrow(/site-a\.releases\.timeoutSeconds: must be a whole number from 60 to 86400, got 5/);
    });
  });
});

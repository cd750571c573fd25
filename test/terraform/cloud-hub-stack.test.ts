import * as fs from 'fs';
import * as path from 'path';
import { CloudHubOptions, CloudHubStack, CloudHubStackProps, KUBEEDGE_VERSION, terraformFiles } from '../../lib/terraform';
import { InMemoryRoot } from '../../lib/terraform/private/stack-json';
import { CHARTS } from '../../lib/core/versions';
import { releasesOf, valuesOf } from './support/stacks';

function hubStack(hub: Partial<CloudHubOptions>): any {
  const files = terraformFiles([], { settings: { hub: { access: { context: 'cloud-hub' }, ...hub } } });
  expect(files.map((f) => f.path)).toEqual(['terraform/_hub/cdk.tf.json', 'terraform/_hub/.terraform.lock.hcl']);
  return JSON.parse(files[0].content);
}

function build(props: Partial<CloudHubStackProps>): () => CloudHubStack {
  return () => new CloudHubStack(new InMemoryRoot(), '_hub', { access: { context: 'cloud-hub' }, ...props });
}

describe('CloudHubStack', () => {
  test('WHEN nothing is opted in THEN the hub stack has a provider and no release', () => {
    const stack = hubStack({});
    expect(stack.provider.helm).toEqual([{ kubernetes: { config_context: 'cloud-hub', config_path: '~/.kube/config' } }]);
    expect(stack.resource).toBeUndefined();
  });

  test('WHEN the SPIRE server runs centrally THEN the hub installs spire-crds then spire, exposed to the edge agents', () => {
    const releases = releasesOf(hubStack({ certManager: true, spireServer: { trustDomain: 'edge.example.com', certManagerUpstream: true } }));
    expect(releases.spire.depends_on).toEqual(['helm_release.spire-crds', 'helm_release.cert-manager']);
    expect(valuesOf(releases.spire)).toEqual({
      'global': { spire: { trustDomain: 'edge.example.com', clusterName: 'cloud-hub' } },
      // The chart's cert-manager upstream authority names an Issuer only ca.create makes (regression: it was enabled without it).
      'spire-server': { enabled: true, service: { type: 'LoadBalancer', port: 443 }, upstreamAuthority: { certManager: { enabled: true, ca: { create: true } } } },
      'spire-agent': { enabled: true },
      'spiffe-csi-driver': { enabled: true },
      'spiffe-oidc-discovery-provider': { enabled: false },
    });
  });

  test('WHEN the fleet uses KubeEdge THEN CloudCore comes from the named repository with the pinned KubeEdge image', () => {
    const release = releasesOf(hubStack({ kubeEdge: { chartRepository: 'oci://registry.example.com/charts', advertiseAddresses: ['203.0.113.10'], dnsNames: ['cloudcore.example.com'] } })).cloudcore;
    expect(release).toMatchObject({ chart: 'cloudcore', repository: 'oci://registry.example.com/charts', version: '1.21.0', namespace: 'kubeedge' });
    expect(valuesOf(release).cloudCore).toEqual({
      image: { tag: KUBEEDGE_VERSION },
      modules: { cloudHub: { advertiseAddress: ['203.0.113.10'], dnsNames: ['cloudcore.example.com'] }, dynamicController: { enable: true } },
    });
  });

  test('WHEN EdgeCore nodes run their MetaServer THEN CloudCore\'s dynamicController, off in the chart, is on to answer its list/watch requests', () => {
    const values = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'shared', 'charts', 'cloudcore', '1.21.0', 'values.yaml'), 'utf8');
    expect(values).toMatch(/ {4}dynamicController:\n {6}enable: false\n/);
    const release = releasesOf(hubStack({ kubeEdge: { chartRepository: 'oci://registry.example.com/charts', advertiseAddresses: ['203.0.113.10'] } })).cloudcore;
    expect(valuesOf(release).cloudCore.modules.dynamicController).toEqual({ enable: true });
  });

  test('WHEN CloudCore is pinned THEN its chart version is its KubeEdge release, as in the chart\'s Chart.yaml, and EdgeCore joins with that release (regression: pinned 0.1.0)', () => {
    const chart = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'shared', 'charts', 'cloudcore', '1.21.0', 'Chart.yaml'), 'utf8');
    expect(chart).toMatch(/^version: 1\.21\.0$/m);
    expect(CHARTS.cloudcore.version).toBe('1.21.0');
    expect(KUBEEDGE_VERSION).toBe(`v${CHARTS.cloudcore.version}`);
  });

  test('WHEN the fleet uses OpenYurt and Rancher Fleet THEN yurt-manager and the Fleet manager (CRDs first) are installed', () => {
    const releases = releasesOf(hubStack({ openYurt: true, fleetManager: true, apiServerUrl: 'https://hub.example.com:6443' }));
    expect(releases['yurt-manager']).toMatchObject({ chart: 'yurt-manager', namespace: 'kube-system' });
    expect(releases.fleet.depends_on).toEqual(['helm_release.fleet-crd']);
  });

  test('WHEN the Fleet manager runs THEN it tells the agents the hub API URL and takes its CA from a variable', () => {
    const stack = hubStack({ fleetManager: true, apiServerUrl: 'https://hub.example.com:6443' });
    const fleet = releasesOf(stack).fleet;
    // Regression: the release had no apiServerURL, so no agent could register.
    expect(valuesOf(fleet)).toEqual({ apiServerURL: 'https://hub.example.com:6443' });
    expect(fleet.set).toEqual([{ name: 'apiServerCA', value: '${var.fleet_api_server_ca}', type: 'string' }]);
    expect(stack.variable.fleet_api_server_ca.default).toBe('');
  });

  test('WHEN the Fleet manager has no hub API URL THEN it is an error at apiServerUrl', () => {
    expect(build({ fleetManager: true })).toThrow(/_hub\.apiServerUrl: is required with fleetManager: true/);
    for (const url of ['http://user:pw@alertmanager:9093', 'http://alertmanager:9093/api?token=x', 'alertmanager:9093']) {
      expect(build({ metricsReceiver: { alertmanagerUrl: url } })).toThrow(`_hub.metricsReceiver.alertmanagerUrl: ${JSON.stringify(url)} is not an http(s) URL without credentials or query, e.g. http://alertmanager.monitoring:9093`);
    }
    expect(build({ fleetManager: true, apiServerUrl: 'http://hub:6443' })).toThrow(/_hub\.apiServerUrl: "http:\/\/hub:6443" must use https/);
  });

  test('WHEN central receivers are on THEN VictoriaMetrics and VictoriaLogs keep data on volumes for the retention', () => {
    const releases = releasesOf(hubStack({ metricsReceiver: {}, logReceiver: { retention: '14d', storageSize: '50Gi', storageClassName: 'fast' } }));
    expect(valuesOf(releases['victoria-metrics']).server).toEqual({ retentionPeriod: '30d', persistentVolume: { enabled: true, size: '20Gi' } });
    expect(valuesOf(releases['victoria-logs']).server).toEqual({ retentionPeriod: '14d', persistentVolume: { enabled: true, size: '50Gi', storageClassName: 'fast' } });
  });

  test('WHEN the hub SPIRE uses cert-manager without cert-manager THEN it is an error at spireServer.certManagerUpstream', () => {
    expect(build({ spireServer: { trustDomain: 'edge.example.com', certManagerUpstream: true } })).toThrow(/_hub\.spireServer\.certManagerUpstream: needs cert-manager/);
  });

  test('WHEN CloudCore has no address THEN it is an error at kubeEdge.advertiseAddresses', () => {
    expect(build({ kubeEdge: { chartRepository: 'https://charts.example.com', advertiseAddresses: [] } })).toThrow(/_hub\.kubeEdge\.advertiseAddresses: must list at least one address/);
  });

  test('WHEN a CloudCore address is a host name THEN it is an error at its index', () => {
    expect(build({ kubeEdge: { chartRepository: 'https://charts.example.com', advertiseAddresses: ['hub.example.com'] } })).toThrow(/_hub\.kubeEdge\.advertiseAddresses\[0\]: "hub\.example\.com" is not an IPv4 address/);
  });

  test('WHEN the CloudCore repository is not https or oci THEN it is an error at kubeEdge.chartRepository', () => {
    expect(build({ kubeEdge: { chartRepository: 'http://charts', advertiseAddresses: ['10.0.0.1'] } })).toThrow(/_hub\.kubeEdge\.chartRepository: "http:\/\/charts" is not an https:\/\/ or oci:\/\/ chart repository/);
  });

  test('WHEN a receiver retention has no unit THEN it is an error at its retention', () => {
    expect(build({ metricsReceiver: { retention: '30' } })).toThrow(/_hub\.metricsReceiver\.retention: "30" is not a retention such as 48h, 30d/);
  });

  test('WHEN a receiver size is not a quantity THEN it is an error at its storageSize', () => {
    expect(build({ logReceiver: { storageSize: 'big' } })).toThrow(/_hub\.logReceiver\.storageSize: "big" is not a storage quantity/);
  });

  test('WHEN the SPIRE service type is unknown THEN it is an error listing the types', () => {
    expect(build({ spireServer: { trustDomain: 'edge.example.com', serviceType: 'Ingress' as never } })).toThrow(/_hub\.spireServer\.serviceType: "Ingress" is not one of LoadBalancer, NodePort, ClusterIP/);
  });

  test('WHEN the hub access has no context THEN it is an error at access.context', () => {
    expect(build({ access: {} })).toThrow(/_hub\.access\.context: is required/);
  });

  // Regression: yurt-manager's and CloudCore's CRDs are only in their charts' `crds/`, so a version bump left the old CRDs.
  describe('CRDs of charts that keep them in crds/', () => {
    const stack = hubStack({ openYurt: true, kubeEdge: { chartRepository: 'oci://registry.example.com/charts', advertiseAddresses: ['203.0.113.10'] } });
    const data = stack.resource.terraform_data;

    test('WHEN yurt-manager or CloudCore is released THEN Terraform first applies the pinned version\'s CRDs, again whenever the version changes', () => {
      expect(releasesOf(stack)['yurt-manager'].depends_on).toEqual(['terraform_data.yurt-manager-crds']);
      expect(releasesOf(stack).cloudcore.depends_on).toEqual(['terraform_data.cloudcore-crds']);
      expect(data['yurt-manager-crds'].triggers_replace).toEqual({ chart: 'yurt-manager', repository: 'https://openyurtio.github.io/openyurt-helm', version: '1.4.2' });
      expect(data['yurt-manager-crds'].provisioner).toEqual([{ 'local-exec': {
        command: 'crds="$(helm show crds \'yurt-manager\' --repo \'https://openyurtio.github.io/openyurt-helm\' --version \'1.4.2\')" && '
          + 'printf \'%s\\n\' "$crds" | kubectl apply --server-side --force-conflicts --field-manager=cdk8s-edge-crds --kubeconfig "$HOME"/\'.kube/config\' --context \'cloud-hub\' -f -',
        interpreter: ['/bin/sh', '-c'],
      } }]);
    });

    test('WHEN the chart comes from an OCI registry THEN helm reads the CRDs from the chart reference', () => {
      expect(data['cloudcore-crds'].provisioner[0]['local-exec'].command).toContain('helm show crds \'oci://registry.example.com/charts/cloudcore\' --version');
    });

    test('WHEN a chart renders its CRDs as templates THEN no extra apply is added', () => {
      expect(Object.keys(data).sort()).toEqual(['cloudcore-crds', 'yurt-manager-crds']);
    });
  });
});

import * as yaml from 'js-yaml';
import { loadInventoryFile } from '../../lib';
import { EXAMPLE_INVENTORY, exampleFleetFiles } from '../support/programs';
import { unknownKeys, upstreamFields } from '../support/upstream-keys';

/**
 * EdgeCore and the kubelet decode their config files without strict field checks, and no
 * EdgeCore or kubelet package is installed here to start, so every key of every file the
 * example fleet writes for them is checked against the field list of the release that reads it:
 * EdgeCore v1.21.0 (the hub's CloudCore), and the kubelet of the site's Kubernetes minor.
 */
const files = exampleFleetFiles();
const minorOf = new Map(loadInventoryFile(EXAMPLE_INVENTORY).sites.map((s) => [s.name, s.kubernetesVersion]));
const siteOf = (path: string): string => path.split('/')[1];

describe('EdgeCore and kubelet config keys of the example fleet', () => {
  const edgeCore = files.filter((f) => /^nodes\/[^/]+\/[^/]+\/kubeedge\/edgecore\.yaml$/.test(f.path));
  const dropIns = files.filter((f) => /^nodes\/[^/]+\/[^/]+\/kubelet\.conf\.d\/[^/]+\.conf$/.test(f.path));

  test('WHEN the fleet is synthesized THEN it has EdgeCore nodes and plain-kubelet nodes to check', () => {
    expect(edgeCore.length).toBeGreaterThan(0);
    expect(dropIns.length).toBeGreaterThan(0);
  });

  test('WHEN an EdgeCore config is written THEN every key is one EdgeCore v1.21.0 reads', () => {
    const fields = upstreamFields('kubeedge/edgecore-v1.21.0.json').fields;
    expect(edgeCore.length).toBeGreaterThan(0);
    expect(edgeCore.map((f) => [f.path, unknownKeys(yaml.load(f.content), fields)])).toEqual(edgeCore.map((f) => [f.path, []]));
  });

  test('WHEN a kubelet drop-in is written THEN every key is one the kubelet of its site\'s minor reads', () => {
    expect(dropIns.length).toBeGreaterThan(0);
    expect(dropIns.map((f) => {
      const fields = upstreamFields(`kubelet/kubelet-config-v1beta1-${minorOf.get(siteOf(f.path))}.json`).fields;
      return [f.path, unknownKeys(yaml.load(f.content), fields)];
    })).toEqual(dropIns.map((f) => [f.path, []]));
  });

  test('WHEN a node runs a plain kubelet THEN no file of it would replace kubeadm\'s --config file', () => {
    expect(files.filter((f) => /^nodes\/[^/]+\/[^/]+\/kubelet-config\.yaml$/.test(f.path)).map((f) => f.path)).toEqual([]);
  });
});

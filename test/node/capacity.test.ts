import { fitWorkloads, NodeAllocatable, WorkloadDemand } from '../../lib';

const Mi = 2 ** 20;
const node = (name: string, tier: NodeAllocatable['tier'] = 'micro', cpuMillis = 1000, memoryBytes = 1024 * Mi, labels = {}): NodeAllocatable =>
  ({ name, tier, labels, cpuMillis, memoryBytes, maxPods: 30 });
const demand = (description: string, over: Partial<WorkloadDemand> = {}): WorkloadDemand =>
  ({ path: `site/${description}`, description, tiers: ['micro'], replicas: 1, cpuMillis: 100, memoryBytes: 64 * Mi, ...over });

describe('fitWorkloads', () => {
  test('WHEN a DaemonSet is placed THEN every node of its tier carries one pod', () => {
    const fit = fitWorkloads([node('a'), node('b'), node('c', 'mini')], [demand('agent', { replicas: undefined })]);
    expect(fit.loads.map((l) => l.pods)).toEqual([1, 1, 0]);
    expect(fit.unplaced).toEqual([]);
  });

  test('WHEN replicas are placed THEN they spread to the least-loaded node', () => {
    const fit = fitWorkloads([node('a'), node('b')], [demand('web', { replicas: 2 })]);
    expect(fit.loads.map((l) => l.workloads)).toEqual([['web'], ['web']]);
  });

  test('WHEN a workload is pinned THEN it lands only on its node', () => {
    const fit = fitWorkloads([node('a'), node('b')], [demand('db', { nodeName: 'b' })]);
    expect(fit.loads.map((l) => l.pods)).toEqual([0, 1]);
  });

  test('WHEN a workload needs node labels THEN only nodes with them count', () => {
    const fit = fitWorkloads([node('a'), node('gpu', 'micro', 1000, 1024 * Mi, { accelerator: 'nvidia-jetson' })], [demand('ai', { nodeLabels: { accelerator: 'nvidia-jetson' } })]);
    expect(fit.loads.map((l) => l.pods)).toEqual([0, 1]);
  });

  test('WHEN replicas exceed what is left THEN the replicas that do not fit are reported', () => {
    const fit = fitWorkloads([node('a')], [demand('big', { replicas: 3, memoryBytes: 400 * Mi })]);
    expect(fit.unplaced.map((u) => u.reason)).toEqual(['replica 3 of 3 does not fit']);
  });

  test('WHEN DaemonSets alone exceed a node THEN the node is reported overfilled', () => {
    const fit = fitWorkloads([node('a')], [demand('x', { replicas: undefined, cpuMillis: 800 }), demand('y', { replicas: undefined, cpuMillis: 300 })]);
    expect(fit.overfilled.map((l) => [l.node.name, l.cpuMillis])).toEqual([['a', 1100]]);
  });

  test('WHEN pods exceed max pods THEN the rest do not fit', () => {
    const fit = fitWorkloads([{ ...node('a'), maxPods: 2 }], [demand('tiny', { replicas: 3, cpuMillis: 1, memoryBytes: 1 })]);
    expect(fit.unplaced).toHaveLength(1);
  });
});

describe('fitWorkloads: one problem per workload', () => {
  test('WHEN many replicas of one workload do not fit THEN one entry names the range (regression: one line per replica, 34 lines for one mistake)', () => {
    const fit = fitWorkloads([node('n1')], [{ path: 'site/App', description: 'Deployment apps/web', tiers: ['micro'], replicas: 36, cpuMillis: 400, memoryBytes: 1024 ** 2 }]);
    expect(fit.unplaced.map((u) => u.reason)).toEqual(['replicas 3-36 of 36 do not fit']);
  });
});

import { placePods, tierProfile, TIERS, tolerateAllEdgeTaints } from '../../lib';

describe('tier profiles', () => {
  test('WHEN the micro tier is read THEN its budget and kubelet limits are the small-node contract', () => {
    const micro = tierProfile('micro');
    expect(micro.containerBudget).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(micro.kubelet.maxPods).toBe(30);
    expect(micro.kubelet.evictionHard).toEqual({ 'memory.available': '100Mi', 'nodefs.available': '5%', 'imagefs.available': '5%' });
  });

  test('WHEN the standard tier is read THEN it reserves the full system and kube reservations', () => {
    const standard = tierProfile('standard').kubelet;
    expect(standard.systemReserved).toEqual({ cpu: '500m', memory: '1Gi', ephemeralStorage: '1Gi' });
    expect(standard.kubeReserved).toEqual({ cpu: '200m', memory: '256Mi', ephemeralStorage: '1Gi' });
  });

  test('WHEN tiers are compared THEN pod limits never shrink from micro to mec', () => {
    const maxPods = (t: (typeof TIERS)[number]) => tierProfile(t).kubelet.maxPods;
    expect(TIERS.map(maxPods)).toEqual([...TIERS.map(maxPods)].sort((a, b) => a - b));
  });
});

describe('placePods', () => {
  test('WHEN one tier is asked for THEN the selector and the toleration name the same tier', () => {
    const placement = placePods({ tiers: ['mini'] });
    expect(placement.nodeSelector).toEqual({ 'edge.tier': 'mini' });
    expect(placement.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Equal', value: 'mini', effect: 'NoSchedule' }]);
    expect(placement.affinity).toBeUndefined();
  });

  test('WHEN several tiers are asked for THEN a required node affinity lists them and each taint is tolerated', () => {
    const placement = placePods({ tiers: ['micro', 'mini', 'micro'] });
    expect(placement.nodeSelector).toEqual({});
    expect(placement.tolerations.map((t) => t.value)).toEqual(['micro', 'mini']);
    expect(placement.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'edge.tier', operator: 'In', values: ['micro', 'mini'] }] },
    ]);
  });

  test('WHEN a node and labels are given THEN the selector pins the hostname and requires the labels', () => {
    const placement = placePods({ tiers: ['mec'], nodeName: 'mec-1', nodeLabels: { accelerator: 'nvidia-gpu' } });
    expect(placement.nodeSelector).toEqual({ 'accelerator': 'nvidia-gpu', 'edge.tier': 'mec', 'kubernetes.io/hostname': 'mec-1' });
  });

  test('WHEN no tier is given THEN it throws', () => {
    expect(() => placePods({ tiers: [] })).toThrow('at least one tier');
  });

  test('WHEN a node agent tolerates all edge taints THEN it uses Exists on the edge key', () => {
    expect(tolerateAllEdgeTaints()).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' }]);
  });
});

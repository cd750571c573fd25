import type { EdgeSite } from '../fleet/edge-site';
import type { EdgeAIInferenceOptions } from './ai-options';
import { EdgeAIInference } from './edge-ai-inference';
import { readAiInference } from './private/read-ai-inference';

/** `components.aiInference`: the site's AI inference workloads (after `monitoring`, whose scrape targets they register). */
export const AI_INFERENCE_COMPONENT = {
  key: 'aiInference' as const,
  read: readAiInference,
  build(site: EdgeSite, options: readonly EdgeAIInferenceOptions[]): void {
    for (const workload of options) new EdgeAIInference(site, `Inference-${workload.namespace}-${workload.name}`, workload);
  },
};

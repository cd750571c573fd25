import type { EdgeSite } from '../fleet/edge-site';
import { EdgeMonitoring } from './edge-monitoring';
import type { EdgeMonitoringOptions } from './monitoring-options';
import { readMonitoring } from './private/read-monitoring';

/**
 * `components.monitoring`: the site's EdgeMonitoring. Listed before every component
 * that registers scrape targets (registration also works the other way round).
 */
export const MONITORING_COMPONENT = {
  key: 'monitoring' as const,
  read: readMonitoring,
  build(site: EdgeSite, options: EdgeMonitoringOptions): void {
    new EdgeMonitoring(site, 'Monitoring', options);
  },
};

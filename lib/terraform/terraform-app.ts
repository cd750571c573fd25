import { App } from 'cdktf';
import { addCloudHubStack, addEdgeClusterStack, hubAlertGroupsOf } from './terraform-files';
import type { TerraformInventory } from './terraform-inventory';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';

/**
 * Synthesizes the inventory's stacks with a cdktf App, the way `cdktf synth` expects
 * (`<outdir>/stacks/<stack>/cdk.tf.json` and a manifest; cdktf's `CDKTF_OUTDIR` wins
 * over the default `cdktf.out`). The stacks are the ones `terraformFiles` writes; cdktf
 * adds its `//` metadata to its own copies.
 */
export function synthTerraformApp(inventory: TerraformInventory): void {
  const app = new App({ stackTraces: false });
  for (const site of inventory.sites.filter((s) => !joinsHubControlPlane(s))) addEdgeClusterStack(app, site, inventory.options);
  if (inventory.options.settings?.hub) addCloudHubStack(app, inventory.options.settings, hubAlertGroupsOf(inventory.sites));
  app.synth();
}

/**
 * Synthesizes the example fleet: `npm run synth [-- --inventory apps/fleet.yaml --out dist]`.
 * The same as `cdk8s-edge synth`; see `cdk8s-edge --help`.
 */
import { main } from '../lib/cli/main';

main(['synth', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});

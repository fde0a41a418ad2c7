// pg_trickle at work, as dashboard panels of the same shape as a scenario's (one file each): the
// live DAG, the live proof, the status of every stream table, refresh history, efficiency and the
// advisor. They
// read through db/pgtrickle/ (pg_trickle's API, or the compatibility mode's copy of it).
import type { Engine } from '../../db';
import type { Panel } from '../../ui/types';
import { advisorPanel } from './advisor';
import { dagPanel } from './dag';
import { efficiencyPanel } from './efficiency';
import { historyPanel } from './history';
import { proofPanel } from './proof';
import { statusPanel } from './status';
import { freshnessPanel, tracePanel } from './trace';

/** pg_trickle's panels in page order, after the scenario's own. */
export const ENGINE_PANELS: readonly Panel[] = [
  dagPanel,
  tracePanel,
  proofPanel,
  statusPanel,
  freshnessPanel,
  historyPanel,
  efficiencyPanel,
  advisorPanel,
];

/** What the page shows of the engine: everything, or only the (empty) status without one. */
export function enginePanelsFor(engine: Engine): readonly Panel[] {
  return engine.kind === 'none' ? [statusPanel] : ENGINE_PANELS;
}

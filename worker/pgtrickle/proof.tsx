// The live proof in one line beside the headline figures: whether every stream table matched its
// own defining query when the generator last compared them (db/demo/proof.ts), and when. Each DAG
// node says the same for its table (dag-node.tsx).
import type { Engine } from '../../db';
import type { ProofView } from '../../db/demo/proof';
import { fmt } from '../../ui/format';
import { definePanel } from '../../ui/panel';

interface ProofData {
  proofs: ProofView[];
  /** The scenario's stream tables, as the engine lists them. */
  tables: string[];
  nowMs: number;
}

const agoText = (nowMs: number, atMs: number) => fmt.ago(Math.max(0, (nowMs - atMs) / 1000));
const plural = (n: number, one: string, many: string) => `${fmt.int(n)} ${n === 1 ? one : many}`;

/** The line itself, and the state tools read from `data-proof-summary`. */
export function proofLine(d: ProofData): { state: string; text: string } {
  const byTable = new Map(d.proofs.map((p) => [p.table, p]));
  const views = d.tables.map((t) => byTable.get(t));
  const n = d.tables.length;
  const known = views.filter((v): v is ProofView => v?.outcome !== null && v !== undefined);
  if (known.length === 0) {
    return {
      state: 'unchecked',
      text: `Not checked yet: every ${plural(n, 'stream table is', 'stream tables are')} compared with ${n === 1 ? 'its' : 'their'} own query about every 30 s, while no write is in flight.`,
    };
  }
  const differ = known.filter((v) => v.outcome === 'differs');
  const unchecked = views.filter((v) => !v || v.latest === 'unchecked');
  const oldest = Math.min(...known.map((v) => v.atMs ?? d.nowMs));
  const ago = agoText(d.nowMs, oldest);
  const parts: string[] = [];
  if (differ.length > 0) {
    const list = differ
      .map((v) => `${v.table} (${plural(v.missing + v.extra, 'row', 'rows')})`)
      .join(', ');
    parts.push(
      `${fmt.int(differ.length)} of ${plural(n, 'stream table', 'stream tables')} ${differ.length === 1 ? 'differs' : 'differ'} from ${differ.length === 1 ? 'its' : 'their'} own query: ${list}, confirmed by a re-check ${ago}.`,
    );
  } else if (known.length === n && unchecked.length === 0) {
    parts.push(
      `${n === 1 ? 'The' : `All ${fmt.int(n)}`} ${n === 1 ? 'stream table' : 'stream tables'} matched ${n === 1 ? 'its' : 'their'} own ${n === 1 ? 'query' : 'queries'} ${ago}.`,
    );
  } else {
    const matched = known.filter((v) => v.outcome === 'equal').length;
    parts.push(
      `${fmt.int(matched)} of ${plural(n, 'stream table', 'stream tables')} matched their own queries ${ago}.`,
    );
  }
  if (unchecked.length > 0 && differ.length === 0) {
    const why = unchecked.find((v) => v?.why)?.why;
    parts.push(
      `${plural(unchecked.length, 'table was', 'tables were')} not checked this round${why ? ` (${why})` : ''}.`,
    );
  }
  return {
    state: differ.length > 0 ? 'differs' : unchecked.length > 0 ? 'partial' : 'equal',
    text: parts.join(' '),
  };
}

function ProofNote(props: { engine: Engine }) {
  return props.engine.kind === 'compat' ? (
    <p class="note">
      True by construction here: the compatibility mode recomputes every stream table in full on
      each refresh. On pg_trickle, which maintains them incrementally, the same check can fail.
    </p>
  ) : (
    <p class="note">
      Each table is compared with its defining query as a multiset, in one snapshot, when the
      generator (the only writer) has paused and the engine has caught up; a difference is shown
      only when a re-check after a refresh confirms it.
    </p>
  );
}

export const proofPanel = definePanel<ProofData>({
  id: 'proof',
  title: 'Proof, live',
  lead: true,
  note: 'every stream table against its own query · demo_meta.proofs',
  reads: {},
  build: (_rows, ctx) => ({
    proofs: [...ctx.proofs],
    tables: ctx.status.map((s) => s.name),
    nowMs: ctx.nowMs,
  }),
  render: (d, { engine }) => {
    const line = proofLine(d);
    return (
      <>
        <p class={`proof-line proof-${line.state}`} data-proof-summary={line.state}>
          {line.text}
        </p>
        <ProofNote engine={engine} />
      </>
    );
  },
});

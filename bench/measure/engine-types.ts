// What the real-engine benchmark records (bench/real-engine.json).
import type { summary } from '../stats';
import type { LogDurations } from './engine-durations';
import type { EngineIntervalRun } from './engine-interval';
import type { EngineWorkersRun } from './engine-workers';
import type { NetworkResults } from './network';
import type { ProofResults } from './proof';

export type Summary = ReturnType<typeof summary>;

export interface RealEngineResults {
  engine: string;
  measuredAt: string;
  machine: string;
  /** The server and the engine's scheduler settings, read from the server. */
  settings: {
    server: string;
    schedulerIntervalMs: string | null;
    parallelRefreshMode: string | null;
    /** Absent in results recorded before it was read. */
    maxConcurrentRefreshes?: string | null;
  };
  /** The engine's part at pg_trickle's default scheduler interval and at the bootstrap's. */
  interval: EngineIntervalRun[];
  network: NetworkResults;
  /** The live proof on this engine (absent in runs before it existed). */
  proof?: ProofResults;
  /** Deadlocks under the generator and visitor actions, four refresh workers vs one (newer runs). */
  workers?: EngineWorkersRun[];
  /** Deadlocks during the whole run: the server's counter, and its log where given. */
  deadlocks?: { seconds: number; statDatabase: number; logLines?: number };
  financeLevels: {
    runSeconds: number;
    ticks: number;
    rows: {
      level: string;
      table: string;
      refreshes: number;
      rowsHeld: number;
      changedPerRefresh: number;
      ratio: number;
      effectiveModes: string[];
      note?: string;
    }[];
    l10ChangedPerTickSeen: number;
  };
  /** The engine's own timings from its server log, where a log was given (PGTRICKLE_BENCH_LOG). */
  engineLog?: { path: string; rows: LogDurations[] };
  durations:
    | { source: 'engine'; rows: { table: string; action: string; ms: Summary }[] }
    | {
        source: 'client';
        why: string;
        table: string;
        rowsInTable: number;
        differential: Summary;
        full: Summary;
      };
}

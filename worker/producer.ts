// One snapshot producer per scenario for the whole network: a Durable Object (placed near the
// database with a location hint) that reads the scenario's snapshot once per scheduler pass, just
// after the pass's data is readable, over a connection it keeps, and hands the same data to every
// data centre's dashboard. Database work is then one statement per pass per scenario, however
// many visitors poll and wherever they are. It reads only while someone is watching: after
// IDLE_MS without a request it closes its connection and stops until asked again; a cold or
// restarted producer reads on its first request.
import { DurableObject } from 'cloudflare:workers';
import { type Connection, DbError, type Engine, openDb } from '../db';
import { parseDbConfig } from '../db/config';
import { nextRefreshInMs } from '../db/pgtrickle/cadence';
import { detectEngine } from '../db/pgtrickle/engine';
import { findScenario } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import type { DashboardEnv } from './env';
import { freshUntilMs, POLL_MS, WAIT_FOR_NEXT_READ_MS } from './poll-timing';
import {
  type HeldRows,
  type Produced,
  READ_OPTS,
  readSnapshot,
  type SnapshotData,
} from './snapshot';

/** With nobody asking for this long, the producer stops reading. */
const IDLE_MS = 30_000;
/**
 * A request that finds a read under way waits this long for it before taking the copy at hand
 * (a slow database slows the data, never the page).
 */
const WAIT_FOR_READ_MS = 600;
/** After reads start failing, the copy at hand is still shown this long past its time. */
const FAILED_GRACE_MS = 2000;
/** After a failed read, the next try. */
const RETRY_MS = 1000;
/**
 * A pass later than predicted is looked for again after 250 ms (one that was only late has
 * landed by then); if still nothing, the scheduler skipped it (nothing was due), and the next
 * read waits for the pass after, as predicted, rather than asking four times a second.
 */
const LATE_RECHECK_MS = 250;
/** Without a steady schedule to follow, a read every poll interval. */
const UNSCHEDULED_MS = POLL_MS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SnapshotProducer extends DurableObject<DashboardEnv> {
  private scenario: Scenario | undefined;
  private current: { data: SnapshotData; dueMs: number } | undefined;
  private reading: Promise<SnapshotData> | undefined;
  private failure: DbError | undefined;
  private conn: Connection | undefined;
  /** Asked once per connection; each read's statement says whether it is still so. */
  private engine: Engine | undefined;
  private askedAtMs = 0;
  /** Reads made since this object started, and how many found no new pass (a late pass). */
  private computations = 0;
  private late = 0;
  /** Reads in a row that found no new pass. */
  private lateStreak = 0;
  /** The slowly moving panels' rows, read every readEverySeconds rather than every pass. */
  private held: HeldRows = new Map();

  /** The scenario's latest snapshot: read now if there is none or the next pass is due. */
  async latest(scenarioId: string): Promise<Produced> {
    const scenario = findScenario(scenarioId);
    if (!scenario) return { ok: false, kind: 'invalid_input', message: 'unknown scenario' };
    this.scenario = scenario;
    this.askedAtMs = Date.now();
    try {
      if (!this.current) await this.read();
      // Due or nearly (a poll aimed at the next pass, a little early): wait for that read,
      // joining the alarm's if it has started, never starting a second; if the alarm has read
      // meanwhile, its copy is the one to take. A read that found the pass not landed yet is
      // tried again LATE_RECHECK_MS later, and the poll waits for that one too: taking the
      // previous pass would make the change wait a whole poll more.
      const holdUntil = Date.now() + WAIT_FOR_NEXT_READ_MS + LATE_RECHECK_MS;
      for (
        let cur = this.current;
        cur && Date.now() >= cur.dueMs - WAIT_FOR_NEXT_READ_MS && cur.dueMs <= holdUntil;
        cur = this.current
      ) {
        await sleep(Math.max(0, cur.dueMs - Date.now()));
        if (this.current === cur) await Promise.race([this.read(), sleep(WAIT_FOR_READ_MS)]);
        // That read failed or is slow: the copy at hand is taken, never a read stacked on it.
        if (this.current === cur) break;
      }
      await this.keepReading();
    } catch {
      // Said below, unless the copy at hand is still recent enough to show.
    }
    const cur = this.current;
    const failure = this.failure;
    if (!cur || (failure && Date.now() - cur.dueMs > FAILED_GRACE_MS)) {
      const e = failure ?? new DbError('internal', 'no snapshot');
      return { ok: false, kind: e.kind, message: e.message };
    }
    const reads = { total: this.computations, late: this.late };
    return { ok: true, data: cur.data, reads, dueMs: cur.dueMs };
  }

  /** Reads when the next pass's data is readable, while someone is watching. */
  override async alarm(): Promise<void> {
    if (!this.scenario || Date.now() - this.askedAtMs > IDLE_MS) {
      await this.stop();
      return;
    }
    // A request may have read already (it found the copy due first): the alarm then only
    // follows the new due time, or it would read the same pass twice.
    if (this.current && !this.failure && Date.now() < this.current.dueMs) {
      await this.keepReading();
      return;
    }
    try {
      await this.read();
    } catch {
      // Tried again soon; requests meanwhile get the copy at hand.
    }
    await this.keepReading();
  }

  private async keepReading(): Promise<void> {
    const at = this.current && !this.failure ? this.current.dueMs : Date.now() + RETRY_MS;
    const set = await this.ctx.storage.getAlarm();
    if (set === null || set > at) await this.ctx.storage.setAlarm(at);
  }

  /** One read at a time, whoever asks (the alarm, or requests when a read is due). */
  private read(): Promise<SnapshotData> {
    const scenario = this.scenario;
    if (!scenario) return Promise.reject(new DbError('internal', 'no scenario asked for yet'));
    this.reading ??= (async () => {
      try {
        const data = await this.readOnce(scenario);
        this.computations++;
        // The same pass as the previous read's (its end moves by a few ms between two reads as
        // the period is learned again): the next one is late.
        const before = this.current?.data.lastPassDbMs;
        const after = data.lastPassDbMs;
        const sameWithin = (data.cadence?.periodMs ?? 0) / 2;
        const late =
          before !== undefined && after !== undefined && Math.abs(after - before) <= sameWithin;
        this.late += late ? 1 : 0;
        this.lateStreak = late ? this.lateStreak + 1 : 0;
        const now = Date.now();
        const dueMs =
          late && this.lateStreak === 1
            ? now + LATE_RECHECK_MS
            : late && data.cadence
              ? now + Math.max(LATE_RECHECK_MS, nextRefreshInMs(data.cadence, now))
              : freshUntilMs(data.cadence, now, UNSCHEDULED_MS);
        this.current = { data, dueMs };
        this.failure = undefined;
        return data;
      } catch (err) {
        this.failure = err instanceof DbError ? err : new DbError('internal', String(err));
        throw this.failure;
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  private async readOnce(scenario: Scenario): Promise<SnapshotData> {
    if (!this.conn || this.conn.broken) {
      await this.conn?.close();
      this.conn = undefined;
      this.conn = await openDb(parseDbConfig(this.env), scenario.database, {
        ...READ_OPTS,
        applicationName: 'pg_trickle_demo_producer',
      });
    }
    const { db } = this.conn;
    this.engine ??= await detectEngine(db);
    const data = await readSnapshot(db, scenario, this.engine, this.held);
    // An engine that changed under the reader (an upgrade) gets every panel read afresh.
    if (JSON.stringify(data.engineNow) !== JSON.stringify(this.engine)) this.held.clear();
    this.engine = data.engineNow;
    return data;
  }

  private async stop(): Promise<void> {
    await this.conn?.close();
    this.conn = undefined;
    this.engine = undefined;
    this.held.clear();
  }
}

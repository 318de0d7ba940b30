import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock, ClockHold } from '../contracts.js';

/** One actor the clock waits for: a flow run (child runs included). Awake while it is not sleeping. */
interface Activity {
  awake: boolean;
  ended: boolean;
}

/** Something due at a virtual instant: an actor's wake-up, or a scheduled task. */
interface Due {
  at: number;
  sequence: number;
  fire: () => void;
  /** Set for an actor's sleep: time moves on its own only while some actor sleeps. */
  activity?: Activity;
}

/** Event-loop turns the world must stay still before the clock moves on its own (lets I/O callbacks land). */
const QUIET_TURNS = 2;

/**
 * Virtual time for the rehearsal, as a scheduler.
 *
 * - An actor (`track(work)`, a flow run) that sleeps registers its wake-up time; while every actor sleeps and
 *   nothing holds the clock (`hold()`, a webhook on its way to the run it starts), the clock jumps to the earliest
 *   wake-up or scheduled task and fires everything due then. So N runs each waiting 60 s at once move it 60 s.
 * - `schedule(ms, task)` runs a task when time reaches now + ms (it does not move time by itself).
 * - A sleep outside any actor (test code, an emulator's latency) moves the clock at once, firing what falls due on
 *   the way, as do `advance` and `set`.
 * `now()` returns a fresh Date each call (callers may mutate it).
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly due: Due[] = [];
  private readonly actor = new AsyncLocalStorage<Activity>();
  private readonly holds = new Map<string, ClockHold>();
  private awake = 0;
  private sequence = 0;
  /** Bumped on every change of who is awake or what is due: the scheduler moves time only after a quiet spell. */
  private generation = 0;
  private checking = false;

  constructor(start: Date | string | number = '2024-01-01T00:00:00.000Z') {
    const time = new Date(start).getTime();
    if (Number.isNaN(time)) throw new Error(`VirtualClock: invalid start time ${String(start)}`);
    this.current = time;
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Inside an actor: sleeps until the scheduler reaches now + ms. Elsewhere: advances at once, then yields. */
  async sleep(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`VirtualClock: cannot sleep ${ms} ms`);
    const activity = this.actor.getStore();
    if (!activity || !activity.awake) {
      this.advance(ms);
      await Promise.resolve();
      return;
    }
    await new Promise<void>((resolve) => {
      this.setAwake(activity, false);
      this.push(
        this.current + ms,
        () => {
          this.setAwake(activity, true);
          resolve();
        },
        activity,
      );
    });
  }

  /** Runs `work` as one actor (a nested call joins the actor it is in: a child flow is part of its parent's run). */
  track<T>(work: () => Promise<T>): Promise<T> {
    if (this.actor.getStore()?.ended === false) return work();
    const activity: Activity = { awake: false, ended: false };
    this.setAwake(activity, true);
    return this.actor.run(activity, async () => {
      try {
        return await work();
      } finally {
        activity.ended = true;
        this.setAwake(activity, false);
      }
    });
  }

  schedule(ms: number, task: () => void): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`VirtualClock: cannot schedule in ${ms} ms`);
    this.push(this.current + ms, task);
  }

  /** Keeps the clock from moving on its own until released (by the holder, or by `release(id)` on the other side). */
  hold(): ClockHold {
    const id = `hold-${++this.sequence}`;
    const hold: ClockHold = { id, release: () => this.release(id) };
    this.holds.set(id, hold);
    this.generation += 1;
    return hold;
  }

  release(id: string): void {
    if (!this.holds.delete(id)) return;
    this.generation += 1;
    this.poke();
  }

  /** Moves the clock forward by `ms` (negative or non-finite amounts are refused), firing what falls due. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`VirtualClock: cannot advance by ${ms} ms`);
    this.moveTo(this.current + ms);
  }

  /** Sets the clock to a later instant, firing what falls due. */
  set(to: Date | string | number): void {
    const time = new Date(to).getTime();
    if (Number.isNaN(time) || time < this.current) throw new Error(`VirtualClock: cannot move to ${String(to)}`);
    this.moveTo(time);
  }

  /** Wake-ups and tasks not yet due. */
  get pending(): number {
    return this.due.length;
  }

  private moveTo(target: number): void {
    for (let next = this.earliest(); next && next.at <= target; next = this.earliest()) {
      this.current = Math.max(this.current, next.at);
      this.fireDue();
    }
    this.current = target;
  }

  private push(at: number, fire: () => void, activity?: Activity): void {
    this.due.push({ at, sequence: ++this.sequence, fire, ...(activity ? { activity } : {}) });
    this.generation += 1;
    this.poke();
  }

  private setAwake(activity: Activity, awake: boolean): void {
    if (activity.awake === awake) return;
    activity.awake = awake;
    this.awake += awake ? 1 : -1;
    this.generation += 1;
    if (!awake) this.poke();
  }

  private earliest(): Due | undefined {
    let best: Due | undefined;
    for (const item of this.due) if (!best || item.at < best.at || (item.at === best.at && item.sequence < best.sequence)) best = item;
    return best;
  }

  /** Fires, in order, everything due at or before now. */
  private fireDue(): void {
    const ready = this.due.filter((item) => item.at <= this.current).sort((a, b) => a.at - b.at || a.sequence - b.sequence);
    if (ready.length === 0) return;
    for (const item of ready) this.due.splice(this.due.indexOf(item), 1);
    for (const item of ready) item.fire();
  }

  private get still(): boolean {
    return this.awake === 0 && this.holds.size === 0;
  }

  /** Looks, after the event loop has turned, for what is due, and for a jump to the next wake-up. */
  private poke(): void {
    if (this.checking) return;
    this.checking = true;
    // Outside any actor, so that scheduled tasks do not run as part of the run that happened to poke.
    this.actor.exit(() => {
      void this.check().finally(() => {
        this.checking = false;
        if (this.due.some((item) => item.at <= this.current) || (this.still && this.due.some((item) => item.activity))) this.poke();
      });
    });
  }

  private async check(): Promise<void> {
    await turn();
    this.fireDue();
    for (let quiet = 0; quiet < QUIET_TURNS; quiet += 1) {
      if (!this.still || !this.due.some((item) => item.activity)) return;
      const stamp = this.generation;
      await turn();
      if (this.generation !== stamp) return;
    }
    if (!this.still) return;
    const next = this.earliest();
    if (!next) return;
    this.current = Math.max(this.current, next.at);
    this.fireDue();
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Real time: `sleep` really waits. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}

import type { CircleSettings, Point } from '@quarterhour/geo';
import { haversineMeters, walkMinutes } from '@quarterhour/geo';
import type { RoutingPolicy } from './policy.ts';
import type { Candidate, RoutableSite } from './types.ts';

/**
 * The candidates of a plan, ranked on demand: a binary heap under the policy, popped one
 * at a time, each checked for static eligibility (status, hours, exclusions) only when it
 * comes up. The reserve step almost always takes one of the first few, so ranking the
 * whole circle would be wasted work. Candidates come out with their exact haversine
 * distance and walking minutes.
 */
export class RankedCandidates implements Iterable<Candidate> {
  /** Candidates handed out so far. */
  taken = 0;
  private readonly heap: Candidate[];

  constructor(
    inCircle: Candidate[],
    private readonly policy: RoutingPolicy,
    private readonly customer: Point,
    private readonly circle: CircleSettings,
    private readonly eligible: (site: RoutableSite) => boolean,
  ) {
    this.heap = inCircle;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** The next eligible candidate, or undefined when none is left. */
  next(): Candidate | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
      if (!this.eligible(top.site)) continue;
      top.distanceMeters = haversineMeters(this.customer, top.site);
      top.walkMinutes = walkMinutes(top.distanceMeters, this.circle);
      this.taken += 1;
      return top;
    }
    return undefined;
  }

  /** Up to `count` more eligible candidates, in rank order. */
  take(count: number): Candidate[] {
    const out: Candidate[] = [];
    while (out.length < count) {
      const candidate = this.next();
      if (!candidate) break;
      out.push(candidate);
    }
    return out;
  }

  *[Symbol.iterator](): Iterator<Candidate> {
    for (let candidate = this.next(); candidate; candidate = this.next()) yield candidate;
  }

  private before(a: Candidate, b: Candidate): boolean {
    return this.policy.compare(a, b, this.customer) < 0;
  }

  private down(at: number): void {
    const heap = this.heap;
    const size = heap.length;
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && this.before(heap[right]!, heap[left]!) ? right : left;
      if (!this.before(heap[child]!, heap[i]!)) return;
      const swap = heap[i]!;
      heap[i] = heap[child]!;
      heap[child] = swap;
      i = child;
    }
  }
}

import { type CircleSettings, haversineMeters, type Point, walkMinutes } from '@quarterhour/geo';
import type { RoutingPolicy } from './policy.ts';
import type { Candidate, RoutableSite } from './types.ts';

/**
 * The statically eligible candidates of a plan (status `open`, open now, not excluded), best
 * first, produced on demand: the reserve step almost always takes one of the first few, so
 * the rest are never ranked. Candidates come out with their exact haversine distance and
 * walking minutes.
 */
export interface RankedCandidates extends Iterable<Candidate> {
  /** Candidates handed out so far. */
  readonly taken: number;
  /** The next eligible candidate, or undefined when none is left. */
  next(): Candidate | undefined;
  /** Up to `count` more eligible candidates, in rank order. */
  take(count: number): Candidate[];
  /**
   * The next eligible site, like next() but without working out its distance: for a caller
   * that checks many sites and keeps one (decideInMemory), which then asks candidateOf().
   */
  nextSite(): RoutableSite | undefined;
  /** A site handed out by nextSite() as a candidate, with its exact distance. */
  candidateOf(site: RoutableSite): Candidate;
}

/** next(), take() and the iterator, over nextSite(). */
export abstract class Ranking implements RankedCandidates {
  taken = 0;

  constructor(
    protected readonly customer: Point,
    protected readonly settings: CircleSettings,
  ) {}

  abstract nextSite(): RoutableSite | undefined;

  next(): Candidate | undefined {
    const site = this.nextSite();
    return site && this.candidateOf(site);
  }

  candidateOf(site: RoutableSite): Candidate {
    const distanceMeters = haversineMeters(this.customer, site);
    return { site, distanceMeters, walkMinutes: walkMinutes(distanceMeters, this.settings) };
  }

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
}

/**
 * Ranking under any policy: every candidate of the circle on a binary heap under the policy's
 * comparator, popped one at a time and checked for eligibility as it comes up. Used for
 * policies that are not distance-first (see NearestRanking for those).
 */
export class PolicyRanking extends Ranking {
  private readonly heap: Candidate[];

  constructor(
    inCircle: Candidate[],
    private readonly policy: RoutingPolicy,
    customer: Point,
    settings: CircleSettings,
    private readonly eligible: (site: RoutableSite) => boolean,
  ) {
    super(customer, settings);
    this.heap = inCircle;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  override next(): Candidate | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
      if (!this.eligible(top.site)) continue;
      this.taken += 1;
      return top;
    }
    return undefined;
  }

  nextSite(): RoutableSite | undefined {
    return this.next()?.site;
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

/** What the benchmark compares (a setting of the broadcast function) and what one run of it measured. */
import type { BenchClient } from './bench-posting.js';

/** One setting of the broadcast function compared by the benchmark (bench-posting.ts). */
export interface FanOutSetting {
  /** Posts in flight: a number, or `unbounded` (everything at once). */
  concurrency: number | 'unbounded';
  /** The lean poster or the SDK client. */
  client: BenchClient;
}

/** What one run of one setting measured (one repetition). */
export interface FanOutRun extends FanOutSetting {
  repetition: number;
  clients: number;
  broadcasts: number;
  /** Added to every `@connections` call, ms. */
  latencyMs: number;
  /** Send to the last client's receipt, per broadcast: median and 99th percentile, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Clients reached per second of fan-out (clients / median fan-out time). */
  deliveriesPerSecond: number;
  /** The handler's own rate: delivered / its summary's ms (median over broadcasts). */
  handlerPostsPerSecond: number;
  /** A bare loop of posts through the same poster at the same concurrency, in the same gateway (median of as many passes). */
  bareLoopPostsPerSecond?: number;
  /** handlerPostsPerSecond / bareLoopPostsPerSecond. */
  handlerToBare?: number;
  /** The broadcast handler's CPU per delivery, µs: its container thread's CPU (measured inside it) over the deliveries. */
  handlerCpuUsPerDelivery: number;
  /** The gateway main thread's CPU per `@connections` post, µs (it serves the posts, sends the frames and runs the store). */
  gatewayCpuUsPerPost: number;
  /** The gateway main thread's CPU per post during the bare loop: the `@connections` path alone, µs. */
  bareLoopGatewayCpuUsPerPost?: number;
  /** Deliveries missing after 60 s, over all broadcasts. */
  lost: number;
  /** The most heap the broadcast handler's container used, MB. */
  handlerPeakHeapMb: number;
}

/**
 * API Gateway's throttling of a WebSocket stage, as its documentation describes it: a token
 * bucket per route (the stage's `DefaultRouteSettings`, overridden per route by `RouteSettings`)
 * inside the account-level bucket (10,000 requests per second, bursts of 5,000: the default quota,
 * shared by all APIs, `@connections` included, of which the twin applies it to `$connect` and
 * messages). A throttled `$connect` is refused with 429; a throttled message gets API Gateway's
 * error frame with `Too Many Requests` (AWS documents the 429, not the frame's text: the frame is
 * inferred from its other error frames). "Throttles are applied on a best-effort basis" on AWS;
 * locally exactly.
 */
import { resolveIntrinsic, type LocalValues } from '../template/intrinsics.js';
import type { Template } from '../template/template.js';

/** A token bucket: `rate` tokens a second, at most `burst` at once. */
export interface ThrottleLimits {
  rate: number;
  burst: number;
}

/** The account-level quota (API Gateway quotas, "Throttle quota per account, per Region"). */
export const ACCOUNT_THROTTLE: ThrottleLimits = { rate: 10_000, burst: 5_000 };

/** What the stage's throttling is: each route's limits (`undefined`: only the account's). */
export interface StageThrottling {
  defaultRoute?: ThrottleLimits;
  routes: ReadonlyMap<string, ThrottleLimits>;
}

class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number,
  ) {
    this.tokens = limits.burst;
    this.at = now();
  }

  /** Refills for the time passed, then peeks whether a token is there. */
  has(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.at) / 1000) * this.limits.rate);
    this.at = now;
    return this.tokens >= 1;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/** Reads a stage's `DefaultRouteSettings` and `RouteSettings` throttling (intrinsics resolved). */
export function stageThrottling(template: Template, stageName: string, values: LocalValues): StageThrottling {
  const limitsOf = (settings: Record<string, unknown> | undefined): ThrottleLimits | undefined => {
    if (settings?.ThrottlingRateLimit === undefined && settings?.ThrottlingBurstLimit === undefined) return undefined;
    const read = (value: unknown, fallback: number) => (value === undefined ? fallback : Number(resolveIntrinsic(value, values)));
    return { rate: read(settings.ThrottlingRateLimit, ACCOUNT_THROTTLE.rate), burst: read(settings.ThrottlingBurstLimit, ACCOUNT_THROTTLE.burst) };
  };
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::ApiGatewayV2::Stage') continue;
    const properties = (resource.Properties ?? {}) as Record<string, unknown>;
    const name = properties.StageName === undefined ? undefined : resolveIntrinsic(properties.StageName, values);
    if (name !== undefined && name !== stageName) continue;
    const routes = new Map<string, ThrottleLimits>();
    for (const [routeKey, settings] of Object.entries((properties.RouteSettings ?? {}) as Record<string, Record<string, unknown>>)) {
      const limits = limitsOf(settings);
      if (limits) routes.set(routeKey, limits);
    }
    return { defaultRoute: limitsOf(properties.DefaultRouteSettings as Record<string, unknown> | undefined), routes };
  }
  return { routes: new Map() };
}

/** Admits or throttles each request to a route, as the stage and the account's buckets allow. */
export class Throttle {
  private readonly account: TokenBucket;
  private readonly routes = new Map<string, TokenBucket | undefined>();

  constructor(
    private readonly throttling: StageThrottling,
    private readonly now: () => number = Date.now,
  ) {
    this.account = new TokenBucket(ACCOUNT_THROTTLE, now);
  }

  /** True (a token taken from the route's and the account's buckets) when the request may go on. */
  admit(routeKey: string): boolean {
    if (!this.routes.has(routeKey)) {
      const limits = this.throttling.routes.get(routeKey) ?? this.throttling.defaultRoute;
      this.routes.set(routeKey, limits && new TokenBucket(limits, this.now));
    }
    const route = this.routes.get(routeKey);
    if (!this.account.has() || (route && !route.has())) return false;
    this.account.take();
    route?.take();
    return true;
  }
}

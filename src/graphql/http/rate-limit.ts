import { NextFunction, Request, Response } from 'express';
import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode } from '../../common/errors';
import { Principal } from '../../modules/access/principal';
import { principalOf } from './authenticate';
import { sendGraphQLError } from './graphql-error-response';

export interface RateLimits {
  /** Requests a minute for one key (or one address on the open demo). */
  perMinute: number;
  /** Partners get their own, usually lower, budget. */
  partnerPerMinute: number;
  /** Key-space prefix in the shared store (one per deployment). */
  namespace?: string;
}

export interface RateLimiter {
  consume(principal: Principal | null, ip: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

/**
 * Per-key limits, shared by every server process through Redis when it is configured (same key space,
 * so N workers enforce one budget), in process memory otherwise.
 */
export function createRateLimiter(limits: RateLimits, redis: Redis | null): RateLimiter {
  const make = (points: number, keyPrefix: string): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({ storeClient: redis, points, duration: 60, keyPrefix, useRedisPackage: false })
      : new RateLimiterMemory({ points, duration: 60, keyPrefix });
  const ns = limits.namespace ?? 'fattail';
  const staff = make(limits.perMinute, `${ns}:rl:key`);
  const partners = make(limits.partnerPerMinute, `${ns}:rl:partner`);
  return {
    async consume(principal, ip) {
      const limiter = principal?.role === 'PARTNER' ? partners : staff;
      const id = principal?.keyId ? `k${principal.keyId}` : `ip${ip}`;
      try {
        await limiter.consume(id);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        throw rejection;
      }
    },
  };
}

export function rateLimit(limiter: RateLimiter, onRejected: (principal: Principal | null) => Promise<void>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = principalOf(res);
      const verdict = await limiter.consume(principal, req.ip ?? 'unknown');
      if (verdict.allowed) return next();
      await onRejected(principal);
      sendGraphQLError(res, 429, ErrorCode.RATE_LIMITED, `Rate limit exceeded; retry in ${verdict.retryAfterSeconds}s.`, {
        'Retry-After': String(verdict.retryAfterSeconds),
      });
    } catch (error) {
      next(error);
    }
  };
}

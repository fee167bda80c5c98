import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { API_KEY_SCHEME, ApiErrors } from '../common/openapi';
import type { Request } from 'express';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { ShopsService } from './shops.service';

type ShopRequest = Request & { shopId?: string; apiKeyId?: string };

/**
 * Every /api route: `Authorization: Bearer <api key>`; the key's shop becomes the request's scope. The key
 * is looked up in the database on every request (one unique-index read), never cached, so a revoked key
 * is refused at once by every process. Failures are slowed down and counted per client address
 * (AuthFailureLimiter), not logged one by one.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly shops: ShopsService,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ShopRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    const key = match ? await this.shops.keyFor(match[1]!) : undefined;
    if (!key) {
      const holdBack = this.failures.recordFailure(req.ip ?? req.socket.remoteAddress ?? 'unknown');
      if (holdBack > 0) await new Promise((resolve) => setTimeout(resolve, holdBack));
      throw new UnauthorizedException(match ? 'API key is unknown or revoked' : 'Authorization: Bearer <api key> is required');
    }
    req.shopId = key.shopId;
    req.apiKeyId = key.id;
    return true;
  }
}

/** The id of the API key the request was authenticated with; only valid behind ApiKeyGuard. */
export const CurrentApiKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const keyId = ctx.switchToHttp().getRequest<ShopRequest>().apiKeyId;
  if (!keyId) throw new UnauthorizedException();
  return keyId;
});

/** The calling key's shop id; only valid behind ApiKeyGuard. */
export const CurrentShop = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const shopId = ctx.switchToHttp().getRequest<ShopRequest>().shopId;
  if (!shopId) throw new UnauthorizedException();
  return shopId;
});

/** Marks a controller as shop-scoped: API key required, documented in /docs as the bearer scheme the guard reads, with its 401. */
export const ShopScoped = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(ApiKeyGuard), ApiBearerAuth(API_KEY_SCHEME), ApiErrors(401, 500));

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
import type { Request } from 'express';
import { ShopsService } from './shops.service';

type ShopRequest = Request & { shopId?: string };

/** Every /api route: `Authorization: Bearer <api key>`; the key's shop becomes the request's scope. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly shops: ShopsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ShopRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    if (!match) throw new UnauthorizedException('Authorization: Bearer <api key> is required');
    const shopId = await this.shops.shopIdForKey(match[1]!);
    if (!shopId) throw new UnauthorizedException('API key is unknown or revoked');
    req.shopId = shopId;
    return true;
  }
}

/** The calling key's shop id; only valid behind ApiKeyGuard. */
export const CurrentShop = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const shopId = ctx.switchToHttp().getRequest<ShopRequest>().shopId;
  if (!shopId) throw new UnauthorizedException();
  return shopId;
});

/** Marks a controller as shop-scoped: API key required, documented as bearer auth in /docs. */
export const ShopScoped = (): ClassDecorator & MethodDecorator => applyDecorators(UseGuards(ApiKeyGuard), ApiBearerAuth());

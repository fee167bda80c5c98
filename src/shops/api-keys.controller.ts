import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import type { ApiKey } from './api-key.entity';
import { CurrentApiKey, CurrentShop, ShopScoped } from './api-key.guard';
import { ShopsService } from './shops.service';

/** What the API says of a key: never its secret (only a hash is kept), but its prefix to tell keys apart. */
export class ApiKeyResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: "The key's first 12 characters (mmk_…)", example: 'mmk_Q2x9aB3c' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ description: 'The key this request was made with' }) current!: boolean;

  static of(key: ApiKey, currentKeyId: string): ApiKeyResponse {
    return {
      id: key.id,
      prefix: key.prefix,
      createdAt: key.createdAt.toISOString(),
      revokedAt: key.revokedAt?.toISOString() ?? null,
      current: key.id === currentKeyId,
    };
  }
}

export class CreatedApiKeyResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The secret, shown this once: only its hash is stored' }) apiKey!: string;
  @ApiProperty({ description: "The key's first 12 characters (mmk_…)" }) prefix!: string;
}

/**
 * The calling shop's API keys: list, create, revoke (`npm run cli -- keys list | create | revoke`
 * do the same from the command line). A revoked key is refused from the next request on, in every process.
 */
@ApiTags('api-keys')
@ShopScoped()
@Controller('api/keys')
export class ApiKeysController {
  constructor(private readonly shops: ShopsService) {}

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponse] })
  async list(@CurrentShop() shopId: string, @CurrentApiKey() keyId: string): Promise<ApiKeyResponse[]> {
    return (await this.shops.listKeys(shopId)).map((key) => ApiKeyResponse.of(key, keyId));
  }

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  async create(@CurrentShop() shopId: string): Promise<CreatedApiKeyResponse> {
    const { id, apiKey } = await this.shops.createKey(shopId);
    return { id, apiKey, prefix: apiKey.slice(0, 12) };
  }

  /** Revokes the key (it may be the calling one: this answer is then its last). 204 also when it was revoked already. */
  @Delete(':keyId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (or it was already)' })
  @ApiErrors(404)
  async revoke(@CurrentShop() shopId: string, @Param('keyId') keyId: string): Promise<void> {
    await this.shops.revokeKey(shopId, keyId);
  }
}

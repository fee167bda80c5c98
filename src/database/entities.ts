import { ApiKey } from '../shops/api-key.entity';
import { Shop } from '../shops/shop.entity';
import { Page } from '../pages/page.entity';

/** Every entity, listed explicitly (no globs): a module adds its entities here. */
export const entities = [Shop, ApiKey, Page];

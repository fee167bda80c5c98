import { Module } from '@nestjs/common';
import { ShopsModule } from '../shops/shops.module';
import { BundledSandbox } from './bundled-sandbox';
import { PagesController } from './pages.controller';
import { PageTokenVerifier } from './page-token-verifier';
import { PagesService } from './pages.service';

/** Pages and their credentials. Others get a Page of the current shop, or the tokens for a Graph call. */
@Module({
  imports: [ShopsModule],
  controllers: [PagesController],
  providers: [PagesService, PageTokenVerifier, BundledSandbox],
  exports: [PagesService],
})
export class PagesModule {}

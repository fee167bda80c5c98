import { Module } from '@nestjs/common';
import { PagesModule } from '../pages/pages.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsController } from './topics.controller';
import { TopicsService } from './topics.service';

/** Marketing-message topics per Page. Others look a topic up with TopicsService.getForPage. */
@Module({
  imports: [ShopsModule, PagesModule],
  controllers: [TopicsController],
  providers: [TopicsService],
  exports: [TopicsService],
})
export class TopicsModule {}

import { Module } from '@nestjs/common';
import { FlowsModule } from '../flows/flows.module';
import { PagesModule } from '../pages/pages.module';
import { SequencesModule } from '../sequences/sequences.module';
import { ShopsModule } from '../shops/shops.module';
import { KeywordAnswerer } from './keyword-answerer.listener';
import { KeywordsController } from './keywords.controller';
import { KeywordsService } from './keywords.service';

/** Keyword rules per Page: a customer's message answered with a flow or a sequence, once per message and cooldown. */
@Module({
  imports: [ShopsModule, PagesModule, SequencesModule, FlowsModule],
  controllers: [KeywordsController],
  providers: [KeywordsService, KeywordAnswerer],
  exports: [KeywordsService],
})
export class KeywordsModule {}

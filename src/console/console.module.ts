import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { PagesModule } from '../pages/pages.module';
import { ShopsModule } from '../shops/shops.module';
import { consoleDistDir } from './console-files';
import { DemoShopController } from './demo-shop.controller';
import { SandboxSimulatorController } from './sandbox-simulator.controller';

/** Where the console is served. */
export const CONSOLE_PATH = '/console';

/**
 * The shop's web console (the React app in `console/`, built into `console/dist`) at /console, and the
 * sandbox-only routes its customer simulator and demo warm-up use. Imported by the app; a host that
 * imports the plugin's module gets it on its own HTTP server too.
 */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: consoleDistDir(),
      serveRoot: CONSOLE_PATH,
      // The app routes with the URL hash, so only index.html and its assets are ever asked for.
      serveStaticOptions: { index: 'index.html', fallthrough: false },
    }),
    ShopsModule,
    PagesModule,
    BroadcastsModule,
  ],
  controllers: [SandboxSimulatorController, DemoShopController],
})
export class ConsoleModule {}

import { Controller, Get, Module, forwardRef } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, PIPES_METADATA } from '@nestjs/common/constants';
import { Test } from '@nestjs/testing';
import { assertOnlyPluginControllers, modulesWithControllers, scopeValidationAndErrors } from './plugin-routes';

@Controller('a')
class AController {
  @Get() get(): string {
    return 'a';
  }
}
@Controller('b')
class BController {}
@Controller('c')
class CController {}

@Module({ controllers: [BController] })
class BModule {}
@Module({ imports: [forwardRef(() => BModule)] })
class Middle {}
@Module({ imports: [Middle, { module: class Dynamic {}, controllers: [CController] }], controllers: [AController] })
class Root {}

describe('plugin routes', () => {
  it("finds every controller reached through the modules' imports, static, dynamic and forward references", () => {
    const found = modulesWithControllers([Root]);
    expect(found.flatMap((m) => m.controllers)).toEqual([AController, BController, CController]);
  });

  it('puts the pipe and the error filter on a controller once, however many times the module is built', () => {
    scopeValidationAndErrors([AController]);
    scopeValidationAndErrors([AController]);
    expect(Reflect.getMetadata(PIPES_METADATA, AController)).toHaveLength(1);
    expect(Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, AController)).toHaveLength(1);
  });

  it("refuses an app serving a controller that is not among the plugin's", async () => {
    const app = (await Test.createTestingModule({ imports: [Root] }).compile()).createNestApplication();
    expect(() => assertOnlyPluginControllers(app, [AController, BController, CController])).not.toThrow();
    expect(() => assertOnlyPluginControllers(app, [AController, CController])).toThrow(
      /BController is served but its module is not in PLUGIN_MODULES/,
    );
    await app.close();
  });
});

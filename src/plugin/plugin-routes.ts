import { UseFilters, UsePipes, type DynamicModule, type ForwardReference, type INestApplication, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { HttpErrorFilter } from '../common/http-error.filter';
import { createValidationPipe } from '../common/validation.pipe';

type ModuleRef = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/**
 * The modules that declare controllers, reached from `roots` through their imports: the plugin's routes
 * (also what its OpenAPI document covers). Read from the @Module metadata, so a module added to the
 * plugin brings its controllers with it.
 */
export function modulesWithControllers(roots: ModuleRef[]): Array<{ module: Type; controllers: Type[] }> {
  const seen = new Set<Type>();
  const found: Array<{ module: Type; controllers: Type[] }> = [];
  const visit = (ref: ModuleRef | undefined): void => {
    if (!ref || ref instanceof Promise) return;
    if ('forwardRef' in ref) return visit(ref.forwardRef() as ModuleRef);
    const type = 'module' in ref ? ref.module : ref;
    if (seen.has(type)) return;
    seen.add(type);
    const controllers = [
      ...((Reflect.getMetadata('controllers', type) as Type[] | undefined) ?? []),
      ...('module' in ref ? (ref.controllers ?? []) : []),
    ];
    if (controllers.length) found.push({ module: type, controllers });
    const imports = [
      ...((Reflect.getMetadata('imports', type) as ModuleRef[] | undefined) ?? []),
      ...('module' in ref ? (ref.imports ?? []) : []),
    ];
    for (const inner of imports) visit(inner);
  };
  for (const root of roots) visit(root);
  return found;
}

const scoped = new WeakSet<Type>();
const validationPipe = createValidationPipe();
const errorFilter = new HttpErrorFilter();

/**
 * Puts the plugin's validation pipe and error body on its own controllers (as `@UsePipes`/`@UseFilters`
 * would), not on the app: a host's routes keep their own pipes and error bodies. Once per class, however
 * many times the module is built.
 */
export function scopeValidationAndErrors(controllers: Type[]): void {
  for (const controller of controllers) {
    if (scoped.has(controller)) continue;
    scoped.add(controller);
    UsePipes(validationPipe)(controller);
    UseFilters(errorFilter)(controller);
  }
}

/**
 * Fails the standalone app's start if it serves a controller that is not the plugin's: a module imported
 * by AppModule instead of listed in PLUGIN_MODULES would have no validation pipe (there is no global one)
 * and be missing from a host and from the docs.
 */
export function assertOnlyPluginControllers(app: INestApplication, pluginControllers: Type[]): void {
  const known = new Set(pluginControllers);
  for (const module of app.get(ModulesContainer).values()) {
    for (const controller of module.controllers.keys()) {
      if (typeof controller === 'function' && !known.has(controller as Type)) {
        throw new Error(`${controller.name} is served but its module is not in PLUGIN_MODULES (src/plugin/marketing-messages.module.ts)`);
      }
    }
  }
}

import { Inject } from '@nestjs/common';

/** DI token of the validated AppConfig (config/app-config.ts); nothing else reads process.env. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

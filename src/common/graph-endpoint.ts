import type { SandboxControl } from '../../libs/messenger-sandbox/src';

/**
 * Where Graph calls go and the app secret that signs them and Meta's webhooks: Meta's URL from config,
 * or the bundled sandbox's when main.ts started one. Provided once, by AppModule.
 */
export class GraphEndpoint {
  constructor(
    readonly baseUrl: string,
    readonly appSecret: string,
    /**
     * The control API of the sandbox main.ts started itself (the local run with no Meta credentials),
     * so that what a shop registers here is known to that "Meta" too. Never set against Meta, nor in
     * tests, which register at their sandbox what they need, as a shop would at Meta.
     */
    readonly bundledSandbox?: SandboxControl,
  ) {}
}

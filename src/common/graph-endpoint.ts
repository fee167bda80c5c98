/**
 * Where Graph calls go and the app secret that signs them and Meta's webhooks: Meta's URL from config,
 * or the bundled sandbox's when main.ts started one. Provided once, by AppModule.
 */
export class GraphEndpoint {
  constructor(
    readonly baseUrl: string,
    readonly appSecret: string,
  ) {}
}

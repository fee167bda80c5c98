import { aShop } from '../helpers/builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

type Json = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Operation {
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface OpenApiDocument {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, Json> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/**
 * Routes anyone may call: Meta's webhook, the probes, the tracked-link redirect, and the console's demo
 * shop (local sandbox run only). Everything else is behind the shop's API key.
 */
const isPublic = (path: string): boolean => !path.startsWith('/api/') || path === '/api/sandbox/demo-shop';

/**
 * The OpenAPI document (`/docs-json`) a POS developer generates a client from: every operation has its
 * success body's schema, the error body (src/common/http-error.filter.ts) for its errors, a tag of its
 * module, and the API-key scheme as the guard reads it (`Authorization: Bearer <key>`). Walks the
 * document generated at run time, so a route added without them fails here.
 */
describe('The OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(() => t.close());

  const operations = (): Array<{ name: string; path: string; op: Operation }> =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ name: `${m.toUpperCase()} ${path}`, path, op: item[m]! })),
    );
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;

  it('lists the routes of every module', () => {
    const names = operations().map((o) => o.name);
    expect(names.length).toBeGreaterThan(40);
    for (const expected of ['POST /api/pos/order-events', 'GET /api/pages/{pageId}/campaigns/{id}/progress', 'GET /health/ready'])
      expect(names).toContain(expected);
  });

  it('gives every operation a success response with its body schema (204: documented without a body)', () => {
    const missing = operations().flatMap(({ name, op }) => {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) return [`${name}: no 2xx response`];
      return success.flatMap(([status, response]) => {
        if (status === '204') return response.content ? [`${name}: 204 with a body`] : [];
        const schema = response.content?.['application/json']?.schema;
        const resolved = schema?.type === 'array' ? resolve(schema.items) : resolve(schema);
        return resolved && (resolved.properties || resolved.type) ? [] : [`${name}: ${status} without a body schema`];
      });
    });
    expect(missing).toEqual([]);
  });

  it('documents the errors of every operation with the one error body', () => {
    const errorBody = doc.components.schemas.ErrorBody;
    expect(errorBody?.required).toEqual(expect.arrayContaining(['statusCode', 'error', 'message', 'requestId']));
    expect(Object.keys(errorBody?.properties ?? {})).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message', 'fields', 'details', 'requestId']),
    );
    const missing = operations().flatMap(({ name, path, op }) => {
      const errors = Object.entries(op.responses).filter(([status]) => /^[45]\d\d$/.test(status));
      const problems = errors
        .filter(([, response]) => response.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorBody')
        .map(([status]) => `${name}: ${status} without the error body`);
      if (!errors.some(([status]) => status.startsWith('4')) && !path.startsWith('/health') && name !== 'GET /api/sandbox/demo-shop')
        problems.push(`${name}: no 4xx response documented`);
      if (!isPublic(path) && !op.responses['401']) problems.push(`${name}: no 401`);
      if (!op.responses['500']) problems.push(`${name}: no 500`);
      return problems;
    });
    expect(missing).toEqual([]);
  });

  it('tags every operation with its module, and describes each tag', () => {
    const described = new Map((doc.tags ?? []).map((tag) => [tag.name, tag.description]));
    const problems = operations().flatMap(({ name, op }) => {
      if (!op.tags?.length) return [`${name}: no tag`];
      return op.tags.filter((tag) => !described.get(tag)).map((tag) => `${name}: tag "${tag}" not described at the top`);
    });
    expect(problems).toEqual([]);
  });

  it('describes the API key as the guard reads it, on every /api operation and on no public one', async () => {
    const schemes = doc.components.securitySchemes ?? {};
    expect(Object.keys(schemes)).toEqual(['apiKey']);
    expect(schemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer', description: expect.stringContaining('Authorization: Bearer') });
    const problems = operations().flatMap(({ name, path, op }) => {
      const secured = (op.security ?? []).some((requirement) => 'apiKey' in requirement);
      if (isPublic(path)) return secured ? [`${name}: public route marked secured`] : [];
      return secured ? [] : [`${name}: no apiKey security`];
    });
    expect(problems).toEqual([]);

    // As described: the key in the Authorization header as a bearer token works; anywhere else it does not.
    const shop = await aShop(t);
    await t.http().get('/api/shop').set('Authorization', `Bearer ${shop.apiKey}`).expect(200);
    await t.http().get('/api/shop').set('X-API-Key', shop.apiKey).expect(401);
    await t.http().get('/api/shop').set('Authorization', shop.apiKey).expect(401);
  });
});

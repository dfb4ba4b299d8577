import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function newRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A service token from the config (or the generated admin token), or an HS256 JWT with a `role` claim.',
  });
  return registry;
}

export function openApiDocument(registry: OpenAPIRegistry, version: string) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'WHOOSH API',
      version,
      description: 'Durable orchestration of AI-agent teams on Temporal. Every /api/v1 route needs a bearer token.',
    },
  });
}

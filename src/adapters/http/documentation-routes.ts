import swaggerUi from 'swagger-ui-express';
import { openApiDocument } from './openapi.js';
import { strictRouter } from './strict-router.js';

/** `GET /documentation/json` (the OpenAPI 3.1 document) and `GET /documentation` (Swagger UI on it). Open. */
export function documentationRoutes(version: string, secured: boolean) {
  const document = openApiDocument(version, secured);
  const router = strictRouter();
  router.get('/documentation/json', (_req, res) => {
    res.json(document);
  });
  // No validator badge: it would send the document's URL to validator.swagger.io, which the CSP blocks anyway.
  const page = swaggerUi.setup(undefined, {
    swaggerOptions: { url: '/documentation/json', validatorUrl: null },
    customSiteTitle: 'SMS gateway service API',
    // Without it, the package writes the word "undefined" into the page's style sheet.
    customCss: '',
  });
  // The page's assets are relative to /documentation/, so the bare path redirects there.
  router.get('/documentation', (_req, res) => {
    res.redirect(301, '/documentation/');
  });
  router.get('/documentation/', page);
  router.use('/documentation', swaggerUi.serve);
  return router;
}

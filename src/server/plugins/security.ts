import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers with a Content-Security-Policy the built app runs under: scripts only from this origin
 * (no inline script anywhere in the build). Inline styles are allowed because the component library
 * (PrimeVue) writes its theme into <style> elements at run time; scripts, the dangerous half, stay strict.
 * No CORS plugin is registered: cross-origin calls to the API are refused by the browser.
 * Bodies are JSON only: text/plain is a CORS "simple" content type that another site's page may POST without a
 * preflight, so Fastify's default text parser is removed and such a body is answered 415. A route that takes
 * other bytes (file uploads) adds its own parser in its own plugin.
 */
export async function registerSecurity(app: FastifyInstance): Promise<void> {
  app.removeContentTypeParser('text/plain');
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The app must be reachable on plain http inside a school's network or on localhost; HSTS is for the
    // TLS-terminating proxy in production to add.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
}

import type {} from 'fastify';
/**
 * What authentication attaches to every request (set by the auth hook in http/auth.ts). Routes read
 * the project from here, never from the body or the query string of an ingest request.
 */
export interface RequestAuth {
  /** The project every read and write of this request is scoped to. */
  projectId: string;
  /** Admin requests (the admin secret, or loopback mode without keys) may manage projects and keys. */
  admin: boolean;
  /** The API key id used, when one was. */
  keyId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

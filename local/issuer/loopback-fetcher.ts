// An aws-jwt-verify Fetcher that sends the real issuers' https URLs to the local issuer on 127.0.0.1, over real HTTP.
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';

/** `https://host/a/b` is served at `/host/a/b` on the loopback server: one server stands in for every issuer. */
export function loopbackPath(httpsUrl: string): string {
  const url = new URL(httpsUrl);
  if (url.protocol !== 'https:') throw new Error(`${httpsUrl} is not an https URL; real issuers publish their keys over https`);
  return `/${url.host}${url.pathname}`;
}

export interface LoopbackFetcherOptions {
  readonly baseUrl: string;
  /** Used when the caller passes no `responseTimeout` (aws-jwt-verify's JWKS cache passes none). */
  readonly timeoutMs: number;
}

/**
 * Fails the way aws-jwt-verify's own fetcher fails, so the runtime's error mapping is exercised for real: a status
 * other than 200 is a NonRetryableFetchError, a refused connection or a time-out is a FetchError. Like the library's
 * SimpleFetcher it retries a failed connection once at once: a kept-alive socket the server has just closed is a
 * race of HTTP keep-alive, not an outage.
 */
export function createLoopbackFetcher({ baseUrl, timeoutMs }: LoopbackFetcherOptions): Fetcher {
  return {
    async fetch(uri, requestOptions) {
      let target: string;
      try {
        target = `${baseUrl}${loopbackPath(uri)}`;
      } catch (error) {
        throw new NonRetryableFetchError(uri, error instanceof Error ? error.message : String(error));
      }
      const requested = requestOptions?.['responseTimeout'];
      const timeout = typeof requested === 'number' && requested > 0 ? requested : timeoutMs;
      let response: Response;
      let body: ArrayBuffer;
      const attempt = async (): Promise<[Response, ArrayBuffer]> => {
        const answer = await fetch(target, { signal: AbortSignal.timeout(timeout) });
        return [answer, await answer.arrayBuffer()];
      };
      try {
        [response, body] = await attempt().catch((error: unknown) => {
          if (isTimeout(error)) throw error;
          return attempt();
        });
      } catch (error) {
        throw new FetchError(uri, isTimeout(error) ? `Response time-out (after ${timeout} ms.)` : describe(error));
      }
      if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
      return body;
    },
  };
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

// Every URL the page links to or polls, spelt once. Panels receive them bound to their scenario
// (ViewContext.urls); the page, the routes' cache keys and the tests use the same helpers.
const q = encodeURIComponent;

/** The URLs of one scenario's page. */
export interface ScenarioUrls {
  /** The page itself, with a stream table selected if one is named. */
  page(node?: string): string;
  /** The page scrolled to the SQL panel showing this stream table. */
  nodeSql(node: string): string;
  /** One fragment ('all' is what the 2 s poll asks for). */
  fragment(id: string): string;
  /** A visitor's action (POST, through the generator Worker). */
  action(action: string): string;
  /** One change's trace through the DAG. */
  follow(event: number | string): string;
  /** One of the seed's example queries, run read-only. */
  tryQuery(example: string): string;
}

export function urlsFor(scenario: string): ScenarioUrls {
  const s = q(scenario);
  return {
    page: (node) => `/?scenario=${s}${node ? `&node=${q(node)}` : ''}`,
    nodeSql: (node) => `/?scenario=${s}&node=${q(node)}#sql`,
    fragment: (id) => `/fragments/${q(id)}?scenario=${s}`,
    action: (action) => `/actions/${q(action)}?scenario=${s}`,
    follow: (event) => `/fragments/follow?scenario=${s}&event=${q(String(event))}`,
    tryQuery: (example) => `/fragments/try?scenario=${s}&q=${q(example)}`,
  };
}

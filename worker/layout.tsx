// The one HTML document every page is drawn in (the dashboard and the error pages), through
// Hono's jsxRenderer: handlers call c.render(body, { title, … }).
import { jsxRenderer } from 'hono/jsx-renderer';

export interface LayoutProps {
  title: string;
  /** For search results and link previews; absent on error pages. */
  description?: string;
  /** The page's own URL, for Open Graph. */
  url?: string;
}

declare module 'hono' {
  interface ContextRenderer {
    // biome-ignore lint/style/useShorthandFunctionType: declaration merging needs an interface
    (content: string | Promise<string>, props: LayoutProps): Response | Promise<Response>;
  }
}

const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  timeout: 8000,
});

export const layout = jsxRenderer(({ children, title, description, url }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="dark light" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <title>{title}</title>
      {description ? (
        <>
          <meta name="description" content={description} />
          <meta property="og:type" content="website" />
          <meta property="og:title" content={title} />
          <meta property="og:description" content={description} />
          {url ? <meta property="og:url" content={url} /> : null}
          <meta property="og:site_name" content="pg_trickle live demo" />
          <meta name="twitter:card" content="summary" />
        </>
      ) : null}
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/app.css" />
    </head>
    <body>{children}</body>
  </html>
));

// A static single-page app: nothing renders on a server.
export const prerender = true;
export const ssr = false;

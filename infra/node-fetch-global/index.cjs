// What `require('node-fetch')` gives vega-loader (its Node build's HTTP loader): Node's own
// fetch, which Node.js 22 has. The Lambda bundles alias `node-fetch` to this module
// (infra/bundling.ts), so that node-fetch 2 with whatwg-url and tr46 (about 300 KB of
// Unicode tables) stays out of build-report; the charts load no URL anyway.
module.exports = (url, options) => globalThis.fetch(url, options);

// Preload (`node --import`) for the `portkey-patched` bench target: works around Portkey gateway issue #1389.
// With @hono/node-server > 1.14.2, Portkey wraps a streamed upstream `fetch` Response whose headers are immutable,
// then appends x-portkey-* headers to them: every streamed chat completion fails with 500 "TypeError: immutable".
// This wraps global fetch so upstream responses carry mutable headers (what Portkey PR #1390 does in its source).
// It adds one Response copy per upstream call, which counts against Portkey's CPU.
const nativeFetch = globalThis.fetch;
const NativeResponse = globalThis.Response;

globalThis.fetch = async function patchedFetch(input: Parameters<typeof fetch>[0], init?: RequestInit) {
  const res = await nativeFetch(input, init);
  return new NativeResponse(res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: new Headers(res.headers),
  });
} as typeof fetch;

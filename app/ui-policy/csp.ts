// The one Content-Security-Policy of the UI, for both faces: the Electron shell sets it on its
// tenbolt:// protocol responses, the web host on every HTTP response. No inline script or style
// element, no eval; connections only to the page's own origin (its WebSocket in the web UI).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

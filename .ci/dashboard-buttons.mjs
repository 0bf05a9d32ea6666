// The dashboard's buttons in Chromium, driven over the DevTools protocol: a click on
// "+1 h" makes the page's fetch POST /_sandbox/clock; the sandbox answers 401 with its
// Digest challenge, which Chromium hands to its login handler (a person's browser shows
// its login prompt there; here DevTools answers it with the credentials); Chromium then
// sends the request again with Digest. Prints the challenge's scheme and the message
// the page shows, and fails unless the clock moved by the hour.
// Usage: node --experimental-websocket dashboard-buttons.mjs WS_URL SANDBOX_URL
const [ws, sandbox] = process.argv.slice(2);
const socket = new WebSocket(ws);
let next = 0;
const waiting = new Map();
const handlers = [];
function send(method, params = {}, sessionId) {
  const id = ++next;
  socket.send(JSON.stringify({ id, method, params, sessionId }));
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.id && waiting.has(message.id)) {
    const { resolve, reject } = waiting.get(message.id);
    waiting.delete(message.id);
    message.error ? reject(new Error(JSON.stringify(message.error))) : resolve(message.result);
  } else {
    for (const handler of handlers) handler(message);
  }
};
const fail = (why) => { console.log("dashboard-buttons: " + why); process.exit(1); };
setTimeout(() => fail("no answer within 20 s"), 20000);
const clock = async () => (await (await fetch(sandbox + "/_sandbox/log")).json()).data.now_unix_ms;
await new Promise((resolve) => (socket.onopen = resolve));
const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const schemes = [];
handlers.push((m) => {
  if (m.sessionId !== sessionId) return;
  if (m.method === "Fetch.requestPaused") send("Fetch.continueRequest", { requestId: m.params.requestId }, sessionId);
  if (m.method === "Fetch.authRequired") {
    schemes.push(m.params.authChallenge.scheme + " for " + new URL(m.params.request.url).pathname);
    send("Fetch.continueWithAuth", { requestId: m.params.requestId,
      authChallengeResponse: { response: "ProvideCredentials", username: "sandbox", password: "sandbox" } }, sessionId);
  }
});
await send("Fetch.enable", { handleAuthRequests: true, patterns: [{ urlPattern: "*" }] }, sessionId);
await send("Page.enable", {}, sessionId);
const loaded = new Promise((resolve) => handlers.push((m) => m.method === "Page.loadEventFired" && resolve()));
await send("Page.navigate", { url: sandbox + "/_sandbox/" }, sessionId);
await loaded;
const before = await clock();
const evaluate = async (expression) =>
  (await send("Runtime.evaluate", { expression, returnByValue: true }, sessionId)).result.value;
await evaluate('document.querySelector("[data-advance=\'3600\']").click()');
let message = "";
while (!message) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  message = await evaluate('document.getElementById("message").textContent');
}
const moved = (await clock()) - before;
console.log(`dashboard-buttons: challenge ${schemes.join(", ") || "none"}; the page says "${message}"; clock moved ${moved} ms`);
if (!schemes.some((s) => s.startsWith("digest") || s.startsWith("Digest"))) fail("Chromium met no Digest challenge");
if (moved < 3600000 || moved > 3660000) fail("the clock did not move by the hour");
process.exit(0);

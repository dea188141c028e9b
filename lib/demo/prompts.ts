/**
 * Sample traffic for `npm run demo`: prompts written for this project (MIT,
 * like the code), tagged the way teams tag real traffic, so every routing
 * stage and both tiers show up on the dashboards.
 */
export interface DemoPrompt {
  prompt: string;
  task?: string;
  app?: string;
  tier?: "reasoning" | "standard";
  system?: string;
}

export const DEMO_PROMPTS: DemoPrompt[] = [
  { task: "code-review", prompt: "Review this Go handler for race conditions:\n\n```go\nvar hits int\nfunc h(w http.ResponseWriter, r *http.Request) { hits++; fmt.Fprint(w, hits) }\n```" },
  { task: "code-review", prompt: "Is there a bug in this retry loop? for (let i = 0; i <= retries; i++) { try { return await call(); } catch {} } throw new Error('failed');" },
  { task: "architecture", prompt: "Design a multi-region rate limiter for an API with 50k requests/second, a 1-second consistency budget and no single point of failure. Compare token bucket vs sliding window." },
  { task: "architecture", prompt: "We're moving a monolith's order service to an event-driven design. How should we handle exactly-once side effects and schema evolution of events?" },
  { task: "security-analysis", prompt: "Analyse this login flow for vulnerabilities: the server sets a session cookie without SameSite, accepts password resets by email link valid for 7 days, and logs the reset token." },
  { task: "security-analysis", prompt: "Threat-model a webhook receiver that verifies an HMAC signature but compares it with === and accepts timestamps up to a day old." },
  { task: "planning", prompt: "Plan a 5-day offsite for 40 people: budget $60k, at least 2 days of workshops, vegetarian options, nobody travels more than 4 hours, and one free afternoon." },
  { task: "planning", prompt: "Schedule 6 interviews across 3 interviewers in 2 days; each candidate sees all 3, no interviewer does more than 4 per day, and candidates in other timezones only after 10am their time." },
  { task: "math", prompt: "A tank fills at 3 L/min and leaks at a rate proportional to its volume (k = 0.02/min). Starting empty, when does it reach 100 L, if ever?" },
  { task: "math", prompt: "Prove that the sum of the first n odd numbers is n^2, then use it to compute 1 + 3 + ... + 199." },
  { task: "summarize", prompt: "Summarize: The quarterly review moved to Thursday. Finance wants the updated forecast by Tuesday noon, and the design team will present the new onboarding flow." },
  { task: "summarize", prompt: "Summarize in one sentence: Our CDN provider had a 14-minute outage in eu-west; traffic failed over to the secondary within 90 seconds, and no data was lost." },
  { task: "extract", prompt: "Extract the invoice number, date and total as JSON: 'Invoice INV-2291 issued 2026-11-03, total due EUR 1,240.50 within 30 days.'" },
  { task: "extract", prompt: "List every person and company named in: 'Maria Chen of Northwind met Tom Okafor from Contoso to sign the Fabrikam supply deal.'" },
  { task: "classify", prompt: "Classify this ticket as billing, bug or feature request: 'I was charged twice for November.'" },
  { task: "classify", prompt: "Is this review positive, negative or neutral? 'Arrived late, but the quality is excellent.'" },
  { task: "translate", prompt: "Translate to German: 'Your order has shipped and will arrive on Friday.'" },
  { task: "translate", prompt: "Translate to Spanish: 'Please restart the router and try again.'" },
  { task: "qa", system: "Answer only from the context.", prompt: "Context: The Pro plan includes 5 seats and SSO; Enterprise adds audit logs.\n\nQuestion: Does the Pro plan include audit logs?" },
  { task: "qa", system: "Answer only from the context.", prompt: "Context: Refunds are issued within 14 days of purchase to the original payment method.\n\nQuestion: How long do I have to ask for a refund?" },
  { app: "legal-review", prompt: "Is a non-compete clause limited to 24 months and the whole EU likely enforceable for a junior engineer in Germany?" },
  { app: "legal-review", prompt: "Does this indemnity clause expose us to uncapped liability: 'Supplier shall indemnify Customer against all losses arising from the Services'?" },
  { app: "faq-bot", prompt: "What are your opening hours?" },
  { app: "faq-bot", prompt: "How do I reset my password?" },
  { tier: "reasoning", prompt: "Why does this Python script get slower with more threads? It downloads 200 URLs with requests and parses each page with BeautifulSoup." },
  { tier: "standard", prompt: "Write a friendly two-line welcome message for new users of a note-taking app." },
  { prompt: "Hi! What's a good name for a golden retriever puppy?" },
  { prompt: "Debug: my React component renders twice and the effect fires twice in development. Is something wrong?" },
  { prompt: "Give me three taglines for a coffee shop that opens at 5am." },
  { prompt: "If a train leaves at 14:10 going 80 km/h and another leaves the same station at 14:40 going 110 km/h on the same track, when does the second catch up?" },
];

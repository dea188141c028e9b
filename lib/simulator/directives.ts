/**
 * Test directives: a request can ask the simulator to fail or to answer in a
 * particular way, by header or by text in its last user message. The text is
 * left in the prompt (it is just text), so it also counts as input tokens.
 */
import { AppError, badRequest } from "../api/errors";

export const FAULTS = ["429", "529", "500", "hang", "cut", "midstream_error", "reset", "echo_auth", "echo_auth_stream"] as const;
export type Fault = (typeof FAULTS)[number];

export const ANSWER_MODES = ["truncated", "invalid_json", "hedging", "refusal", "json"] as const;
export type AnswerMode = (typeof ANSWER_MODES)[number];

export interface Directives {
  fault?: Fault;
  /** `fault=NAME*N`: only the first N calls with the same prompt fail; later ones answer (a retry succeeds). */
  faultTimes?: number;
  /** `fault=NAME@MODEL[,MODEL…]`: only calls to these models fail (a fallback to another model succeeds). */
  faultModels?: string[];
  /** `retry_after_ms=N`: the retry-after-ms (and retry-after, in whole seconds) a 429 or 529 carries. */
  retryAfterMs?: number;
  answer?: AnswerMode;
  confidence?: "low";
  /**
   * Calibration prompts: how much thinking the problem needs, in units of
   * 1,024 thinking tokens (0: solved without thinking). See calibration.ts.
   */
  difficulty?: number;
  /** `parallel=N` (2–8): a turn that calls a tool calls N at once, as models do when they can (several reads, several lookups). */
  parallel?: number;
}

export const FAULT_HEADER = "x-thinkgate-sim-fault";
/** The query parameter form, for GET endpoints behind the gateway: it passes query parameters on, not this header. */
export const FAULT_QUERY = "sim_fault";

const DIRECTIVE = /\[\[sim:([a-z_]+)=([A-Za-z0-9_.*@,-]+)\]\]/g;
/** NAME, NAME*N, NAME@MODEL[,MODEL…] or NAME*N@MODEL[,MODEL…]. */
const FAULT_SPEC = /^([a-z0-9_]+)(?:\*([1-9][0-9]{0,2}))?(?:@([A-Za-z0-9._,-]+))?$/;

function asFault(value: string, where: string): Fault | AppError {
  return (FAULTS as readonly string[]).includes(value)
    ? (value as Fault)
    : badRequest(`${where}: unknown simulator fault "${value}"; expected one of ${FAULTS.join(", ")}`);
}

/** The fault named by the header (or query parameter), undefined without one, or a 400 for an unknown name (a typo must not pass silently). */
export function faultFromHeader(value: string | undefined, where: string = FAULT_HEADER): Fault | undefined | AppError {
  if (value === undefined || value === "") return undefined;
  return asFault(value.trim(), where);
}

/** Reads `[[sim:key=value]]` directives from a prompt's text; a 400 for unknown keys or values. */
export function readDirectives(text: string): Directives | AppError {
  const out: Directives = {};
  // Cheap guard: almost no prompt carries a directive.
  if (!text.includes("[[sim:")) return out;
  for (const [, key, value] of text.matchAll(DIRECTIVE)) {
    if (key === "fault") {
      const spec = FAULT_SPEC.exec(value!);
      const f = asFault(spec?.[1] ?? value!, "[[sim:fault]]");
      if (f instanceof AppError) return f;
      out.fault = f;
      if (spec?.[2]) out.faultTimes = Number(spec[2]);
      if (spec?.[3]) out.faultModels = spec[3].split(",").filter(Boolean);
    } else if (key === "retry_after_ms") {
      if (!/^[0-9]{1,7}$/.test(value!)) return badRequest(`[[sim:retry_after_ms]]: "${value}" is not a whole number of milliseconds`);
      out.retryAfterMs = Number(value);
    } else if (key === "answer") {
      if (!(ANSWER_MODES as readonly string[]).includes(value!)) {
        return badRequest(`[[sim:answer]]: unknown answer mode "${value}"; expected one of ${ANSWER_MODES.join(", ")}`);
      }
      out.answer = value as AnswerMode;
    } else if (key === "confidence") {
      if (value !== "low") return badRequest(`[[sim:confidence]]: unknown value "${value}"; expected low`);
      out.confidence = "low";
    } else if (key === "difficulty") {
      const n = /^\d{1,2}$/.test(value!) ? Number(value) : NaN;
      if (!(n >= 0 && n <= 64)) return badRequest(`[[sim:difficulty]]: "${value}" is not a whole number from 0 to 64`);
      out.difficulty = n;
    } else if (key === "parallel") {
      const n = /^\d$/.test(value!) ? Number(value) : NaN;
      if (!(n >= 2 && n <= 8)) return badRequest(`[[sim:parallel]]: "${value}" is not a whole number from 2 to 8`);
      out.parallel = n;
    } else {
      return badRequest(`[[sim:${key}]]: unknown simulator directive; expected fault, answer, confidence, difficulty or parallel`);
    }
  }
  return out;
}

/** The README section for the lead: how to steer the offline simulator. */
export const SIMULATOR_DIRECTIVES = `## Steering the offline simulator

The simulator (\`/api/simulator/v1/*\`) answers deterministically: the same model,
system prompt, messages, thinking and effort give the same answer, ids and usage.
Tests steer it with directives, either in a request header or as text anywhere in
the **last user message** (the text stays in the prompt and counts as input; in a
tool loop, whose last user message only carries \`tool_result\` blocks, the
latest user message with text counts). An unknown directive name or value is a
400, so a typo never passes silently.

### Faults

Header \`x-thinkgate-sim-fault: NAME\` or text \`[[sim:fault=NAME]]\`. Faults apply
after authentication and validation (an invalid request is still a 400). The
header also works on \`count_tokens\` and \`/v1/models\`, and so does the query
parameter \`?sim_fault=NAME\` (the gateway passes a model lookup's query
parameters on, not this header).

| NAME | What the client sees |
|---|---|
| \`429\` | HTTP 429 \`rate_limit_error\`, headers \`retry-after: 1\` and \`retry-after-ms: 1000\` |
| \`529\` | HTTP 529 \`overloaded_error\` |
| \`500\` | HTTP 500 \`api_error\` |
| \`hang\` | no response at all until the client aborts (no timer is left behind) |
| \`cut\` | streaming: a 200 stream that stops after a few deltas, with no \`message_stop\`; non-streaming: the connection drops in the middle of the JSON body |
| \`midstream_error\` | streaming: a few deltas, then \`event: error\` with \`overloaded_error\`; non-streaming: HTTP 529 |
| \`reset\` | the response headers, then the connection drops before any byte of the body (JSON or stream) |
| \`echo_auth\` | HTTP 401 \`authentication_error\` whose message quotes the \`x-api-key\` and \`Authorization\` headers the simulator received, as a careless proxy might (a gateway must not pass the credential on) |
| \`echo_auth_stream\` | streaming: a few deltas, then \`event: error\` with \`overloaded_error\` whose message quotes the same headers, the frame sent in two pieces split inside the credential (a gateway must not pass it on, nor miss it for being split); non-streaming: HTTP 529 with that message |

In the text form a fault can be narrowed: \`[[sim:fault=529*2]]\` fails only the
first 2 calls whose last user message has the same text (the third answers: a
retry succeeds), \`[[sim:fault=529@claude-opus-4-7]]\` fails only calls to that
model (a fallback to another model succeeds; several models: \`@A,B\`); both
combine (\`529*1@MODEL\`).
\`[[sim:retry_after_ms=N]]\` sets the \`retry-after-ms\` (and \`retry-after\`, in
whole seconds) that a \`429\` or \`529\` carries.

### Answer modes

Text \`[[sim:answer=NAME]]\` in the last user message.

| NAME | Answer |
|---|---|
| \`truncated\` | the text stops mid-sentence, \`stop_reason: "max_tokens"\` |
| \`invalid_json\` | text that looks like JSON but does not parse |
| \`hedging\` | an answer full of hedges ("I think", "probably", "might be", "not sure") |
| \`refusal\` | \`stop_reason: "refusal"\` with \`stop_details\` (\`type: "refusal"\`) |
| \`json\` | valid JSON text: \`{"answer", "confidence", "topic", "keywords"}\` |

\`[[sim:confidence=low]]\` makes the answer state that its confidence is low (in
\`json\` mode: \`"confidence": "low"\`).

\`[[sim:difficulty=N]]\` (0–64) marks a calibration prompt: the simulator
evaluates the arithmetic in the prompt and answers "The answer is X." with the
right X only when the thinking it was given reaches N × 1,024 tokens (times
1.5 on Haiku, 0.75 on Opus, 0.5 on Fable and Mythos; thinking off gives 0,
adaptive effort counts as low 2,048, medium 6,144, high 12,288, xhigh 24,576,
max 40,000). Solved, it thinks a little under what was needed; unsolved, it
spends the whole budget. The calibration lab's example set uses it.

### Other behaviour worth knowing

- **Latency**: env \`THINKGATE_SIM_LATENCY=zero\` answers at once (tests,
  benchmarks); \`realistic\` (default) waits 300–800 ms before the first token,
  then streams about 80 text tokens/s and 250 thinking tokens/s.
- **Thinking** length grows with \`budget_tokens\` or effort and levels off;
  \`usage.output_tokens_details.thinking_tokens\` counts the raw reasoning, which
  is longer than the summarized text. \`display: "omitted"\` (the default on
  Opus 4.7 and later) returns \`"thinking": ""\` with a signature. Adaptive
  thinking at effort \`low\` skips thinking for very short prompts.
- **Tools**: with \`tools\`, the answer is a \`tool_use\` when \`tool_choice\` forces
  one or the last user message names a tool (\`get_weather\` or "get weather");
  a last user message with a \`tool_result\` is answered in text.
  \`[[sim:parallel=N]]\` (2–8) makes such a turn call N tools at once (the
  named one first, then the request's other tools in turn, repeating if
  there are fewer), as a model does with several reads or lookups; not when
  \`tool_choice\` sets \`disable_parallel_tool_use\`.
- **Prompt caching**: a \`cache_control\` breakpoint on a prefix of at least
  1,024 tokens (about 4,096 characters) is written on first sight and read
  while its TTL (5 m or 1 h) lasts.
- **Tokens** are estimated at about 4 characters each, the same way for
  \`count_tokens\` and \`usage\`.
`;

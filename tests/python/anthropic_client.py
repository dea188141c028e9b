"""
The official `anthropic` Python SDK against thinkgate, used as a team would
use it: only base_url and the key change. Each scenario returns what the
test compares (answers, the decision headers, thinkgate's request ids to read
the records by); harness.py prints them all as one JSON document.
"""

import asyncio
import time

import anthropic
import pydantic

from harness import BASE_URL, KEY, WRONG_KEY, Scenarios, expect_error, thinkgate_headers

scenario = Scenarios()
client = anthropic.Anthropic(base_url=BASE_URL, api_key=KEY, max_retries=0, timeout=30)

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def get_weather(city):
    return f"{city}: 19°C, clear skies"


def text_of(message):
    return "".join(b.text for b in message.content if b.type == "text")


def summary(message):
    return {
        "id": message.id,
        "type": message.type,
        "role": message.role,
        "model": message.model,
        "stop_reason": message.stop_reason,
        "blocks": [b.type for b in message.content],
        "text": text_of(message),
        "usage": message.usage.model_dump(),
        "request_id": getattr(message, "_request_id", None),
    }


def sent_auth(request):
    """Which of the two auth headers the SDK put on the request."""
    return sorted(k.lower() for k in request.headers.keys() if k.lower() in ("x-api-key", "authorization"))


def call(c, **params):
    """messages.create through with_raw_response, to see the headers as well as the answer."""
    raw = c.messages.with_raw_response.create(**params)
    message = raw.parse()
    return message, {"headers": thinkgate_headers(raw.headers), "sent_auth": sent_auth(raw.http_request), "message": summary(message)}


@scenario
def create():
    _, out = call(client, model="claude-sonnet-4-6", max_tokens=400, messages=[{"role": "user", "content": "Give me a one-line tip for naming variables."}])
    return out


class Ticket(pydantic.BaseModel):
    title: str
    severity: int = pydantic.Field(ge=1, le=4)
    component: str
    steps: list[str] = pydantic.Field(min_length=2)
    assignee: str | None


@scenario
def structured_output():
    # messages.parse with a pydantic model: the SDK sends its JSON schema as output_config.format and validates the answer.
    message = client.messages.parse(
        model="claude-sonnet-4-6",
        max_tokens=1000,
        messages=[{"role": "user", "content": "File a ticket: CSV export drops the last row when a file has 12 columns."}],
        output_format=Ticket,
    )
    parsed = message.parsed_output
    return {"type": type(parsed).__name__, "parsed": parsed.model_dump(), "text": text_of(message)}


@scenario
def system_prompt():
    _, out = call(
        client,
        model="claude-sonnet-4-6",
        max_tokens=400,
        system="You answer in one short paragraph.",
        messages=[{"role": "user", "content": "Summarize: the release moved from Monday to Wednesday."}],
        extra_headers={"thinkgate-task": "summarize"},
    )
    return out


@scenario
def client_thinking():
    message, out = call(
        client,
        model="claude-sonnet-4-6",
        max_tokens=4096,
        thinking={"type": "adaptive", "display": "summarized"},
        output_config={"effort": "medium"},
        messages=[{"role": "user", "content": "Is 91 a prime number? Check the divisors."}],
    )
    thinking = next(b for b in message.content if b.type == "thinking")
    return {**out, "thinking": thinking.thinking, "signature_length": len(thinking.signature)}


@scenario
def tool_loop():
    """A full tool loop, thinkgate deciding (a code-review task reasons); the client never asks for thinking."""
    messages = [{"role": "user", "content": "Use get_weather for Lisbon, then review whether our retry policy handles the 503s it reported."}]
    calls = []
    tool_inputs = []
    for _ in range(4):
        message, out = call(
            client, model="claude-sonnet-4-6", max_tokens=600, tools=[WEATHER_TOOL], messages=messages, extra_headers={"thinkgate-task": "code-review"}
        )
        calls.append(out)
        if message.stop_reason != "tool_use":
            break
        # What the SDK returned goes back as it is, with the tool's results.
        messages.append({"role": "assistant", "content": message.content})
        results = []
        for block in message.content:
            if block.type == "tool_use":
                tool_inputs.append(block.input)
                results.append({"type": "tool_result", "tool_use_id": block.id, "content": get_weather(**block.input)})
        messages.append({"role": "user", "content": results})
    return {"calls": calls, "tool_inputs": tool_inputs, "expected_result": get_weather("Lisbon")}


@scenario
def tool_runner():
    """The SDK's own tool loop (client.beta.messages.tool_runner with a @beta_tool function): it sends the whole
    conversation each step; thinkgate's headers are read off the HTTP responses, which the runner does not expose."""
    seen = []
    http = anthropic.DefaultHttpxClient(event_hooks={"response": [lambda r: seen.append(thinkgate_headers(r.headers))]})
    runner_client = anthropic.Anthropic(base_url=BASE_URL, api_key=KEY, max_retries=0, timeout=30, http_client=http)

    @anthropic.beta_tool
    def get_weather_tool(city: str) -> str:
        """Current weather for a city.

        Args:
            city: the city's name
        """
        return get_weather(city)

    runner = runner_client.beta.messages.tool_runner(
        model="claude-sonnet-4-6",
        max_tokens=600,
        tools=[get_weather_tool],
        messages=[{"role": "user", "content": "Use get_weather_tool for Porto, then review whether our retry policy handles the 503s it reported."}],
        extra_headers={"thinkgate-task": "code-review"},
    )
    steps = [{"stop_reason": m.stop_reason, "blocks": [b.type for b in m.content], "text": text_of(m)} for m in runner]
    return {"steps": steps, "headers": seen, "expected_result": get_weather("Porto")}


@scenario
def stream():
    with client.messages.stream(
        model="claude-sonnet-4-6", max_tokens=600, messages=[{"role": "user", "content": "Name three uses of a message queue."}]
    ) as s:
        deltas = list(s.text_stream)
        final = s.get_final_message()
        headers = thinkgate_headers(s.response.headers)
    return {"headers": headers, "deltas": len(deltas), "text_stream": "".join(deltas), "final": summary(final)}


@scenario
def stream_tool_loop_with_thinking():
    """The client asks for thinking and streams a tool loop: the SDK rebuilds the blocks from the deltas and sends them back."""
    messages = [{"role": "user", "content": "Use get_weather for Oslo, then reason about whether an outdoor launch on Friday is a good idea."}]
    calls = []
    for _ in range(4):
        thinking_deltas = ""
        text_deltas = ""
        with client.messages.stream(
            model="claude-opus-4-7",
            max_tokens=16000,
            thinking={"type": "adaptive", "display": "summarized"},
            tools=[WEATHER_TOOL],
            messages=messages,
        ) as s:
            for event in s:
                if event.type == "thinking":
                    thinking_deltas += event.thinking
                elif event.type == "text":
                    text_deltas += event.text
            final = s.get_final_message()
            headers = thinkgate_headers(s.response.headers)
        thinking = [b for b in final.content if b.type == "thinking"]
        calls.append(
            {
                "headers": headers,
                "message": summary(final),
                "thinking_deltas": thinking_deltas,
                "text_deltas": text_deltas,
                "thinking": thinking[0].thinking if thinking else None,
                "signature_length": len(thinking[0].signature) if thinking else 0,
            }
        )
        if final.stop_reason != "tool_use":
            break
        tool_use = next(b for b in final.content if b.type == "tool_use")
        messages.append({"role": "assistant", "content": final.content})
        messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_use.id, "content": get_weather(**tool_use.input)}]})
    return {"calls": calls, "expected_result": get_weather("Oslo")}


@scenario
def count_tokens():
    question = [{"role": "user", "content": "How many tokens is this?"}]
    plain = client.messages.count_tokens(model="claude-sonnet-4-6", messages=question)
    fuller = client.messages.count_tokens(model="claude-sonnet-4-6", system="You are a careful assistant.", tools=[WEATHER_TOOL], messages=question)
    return {"plain": plain.input_tokens, "with_system_and_tools": fuller.input_tokens}


@scenario
def batches():
    """The Message Batches API as the SDK drives it: create, poll, results as a JSONL iterator, list, and a missing id."""
    proof = "Prove that the square root of 2 is irrational, then derive a general proof that the square root of any prime is irrational, step by step, and check each step for gaps."
    created = client.messages.batches.create(
        requests=[
            {"custom_id": "hard", "params": {"model": "claude-sonnet-4-6", "max_tokens": 2048, "messages": [{"role": "user", "content": proof}]}},
            {"custom_id": "easy", "params": {"model": "claude-sonnet-4-6", "max_tokens": 256, "messages": [{"role": "user", "content": "Say hello."}]}},
        ]
    )
    batch = created
    for _ in range(200):
        batch = client.messages.batches.retrieve(created.id)
        if batch.processing_status == "ended":
            break
        time.sleep(0.05)
    results = {}
    for line in client.messages.batches.results(created.id):
        entry = {"type": line.result.type}
        if line.result.type == "succeeded":
            m = line.result.message
            entry.update({"model": m.model, "blocks": [b.type for b in m.content], "text": text_of(m)})
        results[line.custom_id] = entry
    listed = [b.id for b in client.messages.batches.list(limit=20)]
    missing = expect_error(lambda: client.messages.batches.retrieve("msgbatch_nonexistent"))
    return {
        "id": created.id,
        "created_status": created.processing_status,
        "status": batch.processing_status,
        "counts": batch.request_counts.model_dump(),
        "results_url": batch.results_url,
        "results": results,
        "listed": created.id in listed,
        "missing": missing,
    }


@scenario
def files():
    """The Files API as the SDK drives it: upload, list (auto-paging and ids), metadata, a document block naming the file, download refused, delete."""
    uploaded = [client.files.upload(file=(f"note-{i}.txt", f"Note {i}: the deploy window is Tuesday.".encode(), "text/plain")) for i in range(3)]
    paged = [f.id for f in client.files.list(limit=2)]
    named = [f.id for f in client.files.list(ids=[uploaded[0].id, uploaded[2].id]).data]
    meta = client.files.retrieve_metadata(uploaded[1].id)
    answer = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=200,
        messages=[{"role": "user", "content": [{"type": "document", "source": {"type": "file", "file_id": uploaded[1].id}}, {"type": "text", "text": "When is the deploy window?"}]}],
    )
    download = expect_error(lambda: client.files.download(uploaded[1].id))
    deleted = [client.files.delete(f.id).model_dump() for f in uploaded]
    missing = expect_error(lambda: client.files.retrieve_metadata(uploaded[0].id))
    return {
        "uploaded": [f.model_dump(mode="json") for f in uploaded],
        "paged": paged,
        "named": named,
        "meta": meta.model_dump(mode="json"),
        "answer_blocks": [b.type for b in answer.content],
        "download": download,
        "deleted": deleted,
        "missing": missing,
    }


@scenario
def models():
    # Five to a page: the SDK's auto-pagination follows has_more / last_id through thinkgate.
    paged = [m.id for m in client.models.list(limit=5)]
    first_page = client.models.list(limit=3)
    one = client.models.retrieve("claude-opus-4-7")
    return {
        "paged_ids": paged,
        "all_ids": [m.id for m in client.models.list(limit=1000).data],
        "first_page": {"ids": [m.id for m in first_page.data], "has_more": first_page.has_more, "first_id": first_page.first_id, "last_id": first_page.last_id},
        "one": {"id": one.id, "type": one.type, "display_name": one.display_name, "created_at": one.created_at.isoformat()},
        "missing": expect_error(lambda: client.models.retrieve("claude-nope")),
    }


@scenario
def errors():
    question = [{"role": "user", "content": "hello"}]
    wrong = lambda **auth: anthropic.Anthropic(base_url=BASE_URL, max_retries=0, **auth)  # noqa: E731
    return {
        "empty_messages": expect_error(lambda: client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])),
        # Refused by the API (the simulator, as the API would), relayed by thinkgate.
        "upstream_bad_request": expect_error(
            lambda: client.messages.create(model="claude-opus-4-7", max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 2048}, messages=question)
        ),
        "wrong_api_key": expect_error(lambda: wrong(api_key=WRONG_KEY).messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=question)),
        "wrong_auth_token": expect_error(lambda: wrong(auth_token=WRONG_KEY).messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=question)),
        "rate_limited": expect_error(
            lambda: client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "[[sim:fault=429]] hello"}])
        ),
        "overloaded": expect_error(
            lambda: client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "[[sim:fault=529]] hello"}])
        ),
    }


@scenario
def auth_token():
    """The key as auth_token (ANTHROPIC_AUTH_TOKEN): sent as Authorization: Bearer."""
    bearer = anthropic.Anthropic(base_url=BASE_URL, auth_token=KEY, max_retries=0, timeout=30)
    _, out = call(bearer, model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "Suggest a name for a cat."}])
    with bearer.messages.stream(model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "Suggest a name for a dog."}]) as s:
        streamed = s.get_final_message()
        stream_headers = thinkgate_headers(s.response.headers)
    tokens = bearer.messages.count_tokens(model="claude-sonnet-4-6", messages=[{"role": "user", "content": "count me"}])
    return {**out, "stream_headers": stream_headers, "stream_text": text_of(streamed), "count": tokens.input_tokens}


@scenario
def async_client():
    async def main():
        async with anthropic.AsyncAnthropic(base_url=BASE_URL, api_key=KEY, max_retries=0, timeout=30) as c:

            async def create():
                raw = await c.messages.with_raw_response.create(
                    model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "What is a good default page size for an API?"}]
                )
                return {"headers": thinkgate_headers(raw.headers), "message": summary(await raw.parse())}

            async def stream():
                async with c.messages.stream(
                    model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "List two benefits of code review."}]
                ) as s:
                    deltas = [d async for d in s.text_stream]
                    final = await s.get_final_message()
                    return {"headers": thinkgate_headers(s.response.headers), "text_stream": "".join(deltas), "final": summary(final)}

            created, streamed = await asyncio.gather(create(), stream())
            return {"create": created, "stream": streamed}

    return asyncio.run(main())


if __name__ == "__main__":
    scenario.run()

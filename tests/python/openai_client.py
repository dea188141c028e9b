"""
The official `openai` Python SDK against thinkgate's OpenAI-compatible
endpoint (base_url = thinkgate's /api/v1), used as a team on OpenAI's SDK
would use it. Each scenario returns what the test compares; harness.py
prints them all as one JSON document.
"""

import json

import openai
import pydantic

from harness import BASE_URL, KEY, WRONG_KEY, Scenarios, expect_error, thinkgate_headers

scenario = Scenarios()
client = openai.OpenAI(base_url=f"{BASE_URL}/v1", api_key=KEY, max_retries=0, timeout=30)

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def get_weather(city):
    return f"{city}: 18°C, light rain"


def summary(completion):
    choice = completion.choices[0]
    return {
        "id": completion.id,
        "object": completion.object,
        "model": completion.model,
        "finish_reason": choice.finish_reason,
        "content": choice.message.content,
        "tool_calls": [{"id": c.id, "name": c.function.name, "arguments": c.function.arguments} for c in choice.message.tool_calls or []],
        "usage": completion.usage.model_dump() if completion.usage else None,
        "request_id": getattr(completion, "_request_id", None),
    }


def create_raw(**params):
    raw = client.chat.completions.with_raw_response.create(**params)
    completion = raw.parse()
    return completion, {"headers": thinkgate_headers(raw.headers), "completion": summary(completion)}


def tool_result_for(message):
    call = message.tool_calls[0]
    return {"role": "tool", "tool_call_id": call.id, "content": get_weather(**json.loads(call.function.arguments))}


@scenario
def create():
    _, out = create_raw(
        model="claude-sonnet-4-6",
        messages=[
            {"role": "system", "content": "You answer in one short paragraph."},
            {"role": "user", "content": "Summarize: the meeting moved from Tuesday to Thursday at 10am."},
        ],
        max_completion_tokens=300,
    )
    return out


class Invoice(pydantic.BaseModel):
    customer: str
    total: float = pydantic.Field(gt=0)
    currency: str
    lines: list[str]
    paid: bool


@scenario
def structured_output():
    # chat.completions.parse and responses.parse with a pydantic model: the SDK sends a strict json_schema and validates the answer.
    chat = client.chat.completions.parse(
        model="claude-sonnet-4-6",
        messages=[{"role": "user", "content": "Extract the invoice: Acme Corp, 12 widgets, 54 USD, paid."}],
        response_format=Invoice,
    )
    resp = client.responses.parse(model="claude-sonnet-4-6", input="Extract the invoice: Acme Corp, 12 widgets, 54 USD, paid.", text_format=Invoice)
    return {
        "chat": {"type": type(chat.choices[0].message.parsed).__name__, "parsed": chat.choices[0].message.parsed.model_dump(), "finish_reason": chat.choices[0].finish_reason},
        "responses": {"type": type(resp.output_parsed).__name__, "parsed": resp.output_parsed.model_dump(), "status": resp.status},
    }


@scenario
def stream():
    raw = client.chat.completions.with_raw_response.create(
        model="claude-sonnet-4-6",
        messages=[{"role": "user", "content": "Name three uses of a message queue."}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = ""
    finish = None
    usage = None
    ids = set()
    chunks = 0
    for chunk in raw.parse():
        chunks += 1
        ids.add(chunk.id)
        if chunk.usage:
            usage = chunk.usage.model_dump()
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    return {"headers": thinkgate_headers(raw.headers), "request_id": raw.request_id, "chunks": chunks, "ids": sorted(ids), "text": text, "finish_reason": finish, "usage": usage}


@scenario
def tool_round_trip():
    """A tool call and its result sent back, the assistant message passed on as the SDK returned it."""
    question = {"role": "user", "content": "What is the weather in Paris? Use get_weather."}
    first, first_out = create_raw(model="claude-sonnet-4-6", messages=[question], tools=[WEATHER_TOOL], reasoning_effort="none")
    second, second_out = create_raw(
        model="claude-sonnet-4-6", messages=[question, first.choices[0].message, tool_result_for(first.choices[0].message)], tools=[WEATHER_TOOL]
    )
    return {"calls": [first_out, second_out], "expected_result": get_weather("Paris")}


@scenario
def streamed_tool_loop_with_reasoning():
    """
    The first call through the SDK's stream helper on the reasoning tier, then its final
    message sent back with the tool's result: the message is the helper's own (tool
    call indexes, null audio and function_call), and the API needs the turn's thinking,
    which an OpenAI client cannot carry.
    """
    question = {"role": "user", "content": "Use get_weather for Madrid, then plan an outdoor event around it."}
    with client.chat.completions.stream(model="claude-opus-4-7", messages=[question], tools=[WEATHER_TOOL], reasoning_effort="high") as s:
        for _ in s:
            pass
        first = s.get_final_completion()
    message = first.choices[0].message
    second, second_out = create_raw(model="claude-opus-4-7", messages=[question, message, tool_result_for(message)], tools=[WEATHER_TOOL], reasoning_effort="high")
    return {"first": summary(first), "second": second_out, "expected_result": get_weather("Madrid")}


# The Responses API (POST /v1/responses): a function tool is flat, not nested under "function".
RESPONSES_WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather for a city",
    "parameters": WEATHER_TOOL["function"]["parameters"],
    "strict": False,
}


def response_summary(response):
    return {
        "id": response.id,
        "object": response.object,
        "model": response.model,
        "status": response.status,
        "instructions": response.instructions,
        "output_types": [item.type for item in response.output],
        "output_text": response.output_text,
        "function_calls": [{"id": o.id, "call_id": o.call_id, "name": o.name, "arguments": o.arguments} for o in response.output if o.type == "function_call"],
        "usage": response.usage.model_dump() if response.usage else None,
        "request_id": getattr(response, "_request_id", None),
    }


def responses_create_raw(**params):
    raw = client.responses.with_raw_response.create(**params)
    response = raw.parse()
    return response, {"headers": thinkgate_headers(raw.headers), "response": response_summary(response)}


@scenario
def responses_create():
    _, out = responses_create_raw(
        model="claude-sonnet-4-6",
        instructions="You answer in one short paragraph.",
        input="Summarize: the deploy moved from Friday to Monday at 9am.",
        max_output_tokens=300,
    )
    return out


@scenario
def responses_stream():
    """The SDK's stream helper: its events as they come, then the response it assembled."""
    types = []
    deltas = ""
    completed_usage = None
    with client.responses.stream(model="claude-sonnet-4-6", input="Name three uses of a message queue.", reasoning={"effort": "none"}) as s:
        for event in s:
            types.append(event.type)
            if event.type == "response.output_text.delta":
                deltas += event.delta
            if event.type == "response.completed":
                completed_usage = event.response.usage.model_dump() if event.response.usage else None
        final = s.get_final_response()
    return {"types": types, "deltas": deltas, "completed_usage": completed_usage, "final": response_summary(final)}


@scenario
def responses_tool_round_trip():
    """A function_call item and its output sent back after the response's own output items, as OpenAI's docs loop does."""
    question = [{"role": "user", "content": "What is the weather in Paris? Use get_weather."}]
    first, first_out = responses_create_raw(model="claude-sonnet-4-6", input=question, tools=[RESPONSES_WEATHER_TOOL], reasoning={"effort": "none"})
    call = next(o for o in first.output if o.type == "function_call")
    result = {"type": "function_call_output", "call_id": call.call_id, "output": get_weather(**json.loads(call.arguments))}
    _, second_out = responses_create_raw(model="claude-sonnet-4-6", input=question + first.output + [result], tools=[RESPONSES_WEATHER_TOOL])
    return {"calls": [first_out, second_out], "expected_result": get_weather("Paris")}


@scenario
def errors():
    question = [{"role": "user", "content": "hello"}]
    wrong = openai.OpenAI(base_url=f"{BASE_URL}/v1", api_key=WRONG_KEY, max_retries=0)
    return {
        "unsupported_field": expect_error(lambda: client.chat.completions.create(model="claude-sonnet-4-6", messages=question, logprobs=True)),
        "wrong_key": expect_error(lambda: wrong.chat.completions.create(model="claude-sonnet-4-6", messages=question)),
        "upstream_overloaded": expect_error(
            lambda: client.chat.completions.create(model="claude-sonnet-4-6", messages=[{"role": "user", "content": "hello [[sim:fault=529]]"}], reasoning_effort="none")
        ),
    }


@scenario
def models():
    one = client.models.retrieve("claude-opus-4-7")
    return {"ids": [m.id for m in client.models.list()], "one": one.model_dump(), "missing": expect_error(lambda: client.models.retrieve("claude-nope"))}


if __name__ == "__main__":
    scenario.run()

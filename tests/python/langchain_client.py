"""
LangChain's ChatOpenAI (langchain-openai) against thinkgate's OpenAI-compatible
endpoint, as a LangChain app uses it: base_url = thinkgate's /api/v1, the key
as api_key, nothing else changed. Each scenario returns what LangChain gave
back and the request bodies LangChain sent (read off the wire by an httpx
event hook on the client LangChain is handed: `http_client=`, a documented
ChatOpenAI option; `invoke` also runs once on LangChain's own default client).
harness.py prints them all as one JSON document.

tiktoken is installed with langchain-openai, and would download its encodings
(no network here) on the first token count: it is made to raise instead, and
every call is listed, so a scenario that counted tokens fails and says so.
"""

import asyncio
import base64
import json
from typing import Literal, Optional

import openai
import pydantic
import tiktoken
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_openai import ChatOpenAI

from harness import BASE_URL, KEY, Scenarios, api_error, thinkgate_headers

TIKTOKEN_CALLS = []


def _no_tiktoken(name):
    def refuse(*args, **kwargs):
        TIKTOKEN_CALLS.append(name)
        raise RuntimeError(f"tiktoken.{name} was called: it would download its encodings")

    return refuse


for _name in ("get_encoding", "encoding_for_model"):
    setattr(tiktoken, _name, _no_tiktoken(_name))

scenario = Scenarios()
SENT = []


def _record(request):
    SENT.append({"path": request.url.path, "body": json.loads(request.content)})


async def _arecord(request):
    _record(request)


# The SDK's own client classes (httpx2 under openai 3), with a hook that keeps each request's body.
HTTP = openai.DefaultHttpxClient(event_hooks={"request": [_record]})
AHTTP = openai.DefaultAsyncHttpxClient(event_hooks={"request": [_arecord]})


def chat(model="claude-sonnet-4-6", **kwargs):
    return ChatOpenAI(
        model=model,
        base_url=f"{BASE_URL}/v1",
        api_key=KEY,
        max_retries=0,
        timeout=30,
        include_response_headers=True,
        http_client=HTTP,
        http_async_client=AHTTP,
        **kwargs,
    )


def sent_since(n):
    return SENT[n:]


def message_summary(m):
    """An AIMessage (or an aggregated AIMessageChunk) as the tests compare it."""
    meta = dict(m.response_metadata)
    headers = meta.pop("headers", None)
    return {
        "type": type(m).__name__,
        "content": m.content,
        "tool_calls": [{"name": c["name"], "args": c["args"], "id": c["id"]} for c in m.tool_calls],
        "invalid_tool_calls": m.invalid_tool_calls,
        "usage_metadata": m.usage_metadata,
        "response_metadata": meta,
        "headers": thinkgate_headers(headers) if headers else None,
    }


class GetWeather(pydantic.BaseModel):
    """Current weather for a city."""

    city: str = pydantic.Field(description="The city")


def get_weather(city):
    return f"{city}: 18°C, light rain"


class Invoice(pydantic.BaseModel):
    """An invoice read from a text."""

    customer: str
    total: float = pydantic.Field(gt=0)
    currency: Literal["USD", "EUR"]
    lines: list[str]
    paid: bool
    note: Optional[str] = None


INVOICE_TEXT = "Extract the invoice: Acme Corp, 12 widgets, 54 USD, paid."


@scenario
def invoke():
    # LangChain's own default client (no http_client): what a LangChain app gets out of the box.
    llm = ChatOpenAI(model="claude-sonnet-4-6", base_url=f"{BASE_URL}/v1", api_key=KEY, max_retries=0, timeout=30, include_response_headers=True)
    answer = llm.invoke([SystemMessage("You answer in one short paragraph."), HumanMessage("Summarize: the review moved from Monday to Friday.")])
    return message_summary(answer)


@scenario
def stream():
    n = len(SENT)
    chunks = list(chat(stream_usage=True).stream("Name three uses of a message queue."))
    full = chunks[0]
    for c in chunks[1:]:
        full = full + c
    return {
        "chunks": len(chunks),
        "text": "".join(c.content for c in chunks),
        "with_usage": [i for i, c in enumerate(chunks) if c.usage_metadata],
        "last_position": chunks[-1].chunk_position,
        "last_content": chunks[-1].content,
        "first_headers": thinkgate_headers(chunks[0].response_metadata.get("headers") or {}),
        "full": message_summary(full),
        "sent": sent_since(n),
    }


def tool_loop_with(llm, question, stream_first=False):
    """LangChain's tool loop: AIMessage.tool_calls run, a ToolMessage each, the model called again with the history."""
    n = len(SENT)
    messages = [HumanMessage(question)]
    if stream_first:
        first = None
        for c in llm.stream(messages):
            first = c if first is None else first + c
    else:
        first = llm.invoke(messages)
    messages.append(first)
    results = [get_weather(**call["args"]) for call in first.tool_calls]
    messages += [ToolMessage(r, tool_call_id=call["id"]) for r, call in zip(results, first.tool_calls)]
    final = llm.invoke(messages)
    return {"first": message_summary(first), "final": message_summary(final), "tool_results": results, "sent": sent_since(n)}


@scenario
def tool_loop():
    out = tool_loop_with(chat().bind_tools([GetWeather]), "What is the weather in Paris? Use GetWeather.")
    out["expected_result"] = get_weather("Paris")
    return out


@scenario
def streamed_tool_loop_with_reasoning():
    # On the reasoning tier the turn's thinking, which an OpenAI client never sees, has to go back upstream: thinkgate puts it back.
    llm = chat(model="claude-opus-4-7", reasoning_effort="high", stream_usage=True).bind_tools([GetWeather])
    return tool_loop_with(llm, "Use GetWeather for Madrid, then plan an outdoor event around it.", stream_first=True)


def structured(method, **kwargs):
    n = len(SENT)
    runnable = chat(**kwargs).with_structured_output(Invoice, include_raw=True, **({"method": method} if method else {}))
    out = runnable.invoke(INVOICE_TEXT)
    return {
        "type": type(out["parsed"]).__name__,
        "parsed": out["parsed"].model_dump() if out["parsed"] is not None else None,
        "parsing_error": repr(out["parsing_error"]) if out["parsing_error"] else None,
        "raw": message_summary(out["raw"]),
        "sent": sent_since(n),
    }


@scenario
def structured_output():
    return {
        "default": structured(None),
        "function_calling": structured("function_calling"),
        "function_calling_reasoning": structured("function_calling", model="claude-opus-4-7", reasoning_effort="high"),
    }


@scenario
def structured_output_json_mode():
    # method="json_mode" sends response_format {"type": "json_object"}, which thinkgate refuses (see the test file's header).
    n = len(SENT)
    try:
        out = chat().with_structured_output(Invoice, method="json_mode").invoke(INVOICE_TEXT + " Answer in JSON.")
    except openai.BadRequestError as e:
        return {"error": api_error(e), "sent": sent_since(n)}
    raise AssertionError(f"expected a 400, got {out!r}")


@scenario
def reasoning():
    n = len(SENT)
    effort = chat(model="claude-opus-4-7", reasoning_effort="high").invoke("Prove that the square root of 2 is irrational.")
    # model_kwargs passes fields through as they are (LangChain warns that reasoning_effort has a parameter of its own).
    kwargs = chat(model="claude-sonnet-4-6", model_kwargs={"reasoning_effort": "none", "user": "user-42"}, max_tokens=300).invoke(
        "Prove that the square root of 2 is irrational."
    )
    return {"effort": message_summary(effort), "model_kwargs": message_summary(kwargs), "sent": sent_since(n)}


@scenario
def reasoning_dict_uses_responses_api():
    # ChatOpenAI(reasoning={...}) switches LangChain to the Responses API (POST /v1/responses) by itself.
    n = len(SENT)
    answer = chat(model="claude-opus-4-7", reasoning={"effort": "low"}).invoke("Say which is larger, 9.11 or 9.9, and why.")
    return {"message": message_summary(answer), "text": answer.text, "sent": sent_since(n)}


PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").decode()


@scenario
def pdf_file_block():
    # LangChain's standard file block: sent as an OpenAI file part with the PDF as a data URL.
    n = len(SENT)
    answer = chat(reasoning_effort="none").invoke(
        [HumanMessage(content=[{"type": "text", "text": "Summarize this report."}, {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": "report.pdf"}])]
    )
    return {"message": message_summary(answer), "sent": sent_since(n)}


@scenario
def async_calls():
    async def main():
        llm = chat(stream_usage=True)

        async def collect():
            return [c async for c in llm.astream("Name three uses of a message queue.")]

        invoked, chunks, batch = await asyncio.gather(llm.ainvoke("Give me a one-line tip for naming variables."), collect(), llm.abatch(["Say hi.", "Say bye."]))
        return {
            "invoked": message_summary(invoked),
            "stream_text": "".join(c.content for c in chunks),
            "stream_headers": thinkgate_headers(chunks[0].response_metadata.get("headers") or {}),
            "batch": [message_summary(m) for m in batch],
        }

    return asyncio.run(main())


@scenario
def tiktoken_untouched():
    # Last: every scenario above has run.
    return {"calls": TIKTOKEN_CALLS}


if __name__ == "__main__":
    scenario.run()

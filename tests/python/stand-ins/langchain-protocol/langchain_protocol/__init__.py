"""
thinkgate's test stand-in for LangChain's `langchain-protocol`, which
langchain-core 1.6 requires but the test machines' wheel store does not hold.

langchain-core imports from it only the TypedDicts of its streaming event
protocol (langchain_core.language_models: chat_models, _compat_bridge,
chat_model_stream; callbacks: type hints). At run time a TypedDict is a dict
constructor, so these open ones build the same dicts the real ones do, and
ChatOpenAI's invoke, stream, tool calls and structured output run LangChain's
own code unchanged. Replace it by the real package (a `langchain-protocol==`
pin in requirements-langchain.txt) once the wheel store has it.
"""

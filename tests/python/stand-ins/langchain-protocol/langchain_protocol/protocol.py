"""The names langchain-core imports from langchain_protocol.protocol, as TypedDicts with no required keys (see __init__.py)."""

from typing import TypedDict

class BlockDelta(TypedDict, total=False):
    pass

class BlockDeltaFields(TypedDict, total=False):
    pass

class ContentBlock(TypedDict, total=False):
    pass

class ContentBlockDelta(TypedDict, total=False):
    pass

class ContentBlockDeltaData(TypedDict, total=False):
    pass

class ContentBlockFinishData(TypedDict, total=False):
    pass

class ContentBlockStartData(TypedDict, total=False):
    pass

class DataDelta(TypedDict, total=False):
    pass

class FinalizedContentBlock(TypedDict, total=False):
    pass

class InvalidToolCall(TypedDict, total=False):
    pass

class MessageFinishData(TypedDict, total=False):
    pass

class MessageMetadata(TypedDict, total=False):
    pass

class MessageStartData(TypedDict, total=False):
    pass

class MessagesData(TypedDict, total=False):
    pass

class ReasoningContentBlock(TypedDict, total=False):
    pass

class ReasoningDelta(TypedDict, total=False):
    pass

class ServerToolCall(TypedDict, total=False):
    pass

class ServerToolCallChunk(TypedDict, total=False):
    pass

class TextContentBlock(TypedDict, total=False):
    pass

class TextDelta(TypedDict, total=False):
    pass

class ToolCall(TypedDict, total=False):
    pass

class ToolCallChunk(TypedDict, total=False):
    pass

class UsageInfo(TypedDict, total=False):
    pass

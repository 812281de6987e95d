"""The names of the Generator seam that answering replaced with LangChain chat models, kept
until the tests still using them (tests/ui) move to `answer.chat_models`; new code uses that.
"""

from __future__ import annotations

from langchain_core.messages import BaseMessage
from pydantic import ConfigDict

from answer.chat_models import FakeChatModel

Message = BaseMessage
"""A chat message; answering now sends LangChain messages."""


class FakeGenerator(FakeChatModel):
    """`FakeChatModel` under its old name; it also takes attributes that subclasses set in
    `__init__`, as plain classes did."""

    model_config = ConfigDict(extra="allow")

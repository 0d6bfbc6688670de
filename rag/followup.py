"""Follow-up questions: rewrite into a stand-alone question only when they refer back.

Rewriting every question costs an LLM call and can distort a question that was
fine; so we rewrite only when the question leans on earlier turns (a pronoun or
"that meeting"), and keep it in the user's language.
"""
from __future__ import annotations

import re
from typing import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

REFERS_BACK = re.compile(
    r"เขา|เธอ|ท่าน(?!ใด)|ดังกล่าว|ครั้งนั้น|ครั้งนี้|การประชุมนั้น|การประชุมนี้|ที่นั่น|คนนั้น|คนนี้|ตอนนั้น|เรื่องนี้|เรื่องนั้น|"
    r"\b(he|she|him|her|his|hers|they|them|their|it|its|that meeting|this meeting|there|then|the same)\b",
    re.I,
)

REWRITE_SYSTEM = (
    "Rewrite the user's last question so it can be understood without the conversation: replace "
    "pronouns and references with what they refer to. Keep the language of the last question. "
    "Reply with the rewritten question only."
)

Turn = tuple[str, str]  # (question, answer)


def refers_back(question: str, history: Sequence[Turn]) -> bool:
    return bool(history) and bool(REFERS_BACK.search(question))


def heuristic_rewrite(question: str, history: Sequence[Turn]) -> str:
    """Without an LLM: search with the previous question's words as context."""
    return f"{history[-1][0]} {question}"


def rewrite(question: str, history: Sequence[Turn], chat_model: BaseChatModel | None) -> str:
    if not refers_back(question, history):
        return question
    if chat_model is None:
        return heuristic_rewrite(question, history)
    convo = "\n".join(f"User: {q}\nAssistant: {a}" for q, a in history[-3:])
    reply = chat_model.invoke([
        SystemMessage(content=REWRITE_SYSTEM),
        HumanMessage(content=f"Conversation:\n{convo}\n\nLast question: {question}\nRewritten question:"),
    ])
    text = str(reply.content).strip().splitlines()[0].strip() if str(reply.content).strip() else ""
    return text or heuristic_rewrite(question, history)

"""Follow-up questions: rewrite into a stand-alone question only when they refer back.

Rewriting every question costs an LLM call and can distort a question that was
fine; so we rewrite only when the question leans on earlier turns (a pronoun or
"that meeting"), and keep it in the user's language.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from prachum.slots import recognise
from prachum.thai.text import search_form, word_tokens
from rag.question import analyse, question_language

if TYPE_CHECKING:  # langchain is loaded with the LLM; the extractive path never needs it (#9)
    from langchain_core.language_models import BaseChatModel

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


_PERSON_REF = re.compile(r"(?:เขา|เธอ|ท่าน(?!ใด))|\b(?:he|she|him|her|his|hers)\b", re.I)
_NAMED_MEETING = re.compile(r"การประชุม\s*((?:\d+\w*\s+)?[A-Za-z][A-Za-z0-9+\-]*(?:\s+[A-Za-z0-9+\-]+)*)|"
                            r"\b(?:at|in|of|during) the ((?:\d+\w*\s+)?[A-Z][A-Za-z0-9+\-]*(?:\s+[A-Z0-9][A-Za-z0-9+\-]*)*)")
_MEETING_REF = re.compile(r"การประชุม(?:นั้น|นี้|ดังกล่าว)|ครั้ง(?:นั้น|นี้)|\b(?:that|this|the same) meeting\b", re.I)


def _person(answer: str) -> str | None:
    """The first person the previous answer named, with honorific, without position."""
    for span in recognise(answer, ("person",)):
        value = span.value
        honorific, name = getattr(value, "honorific", ""), getattr(value, "name", "")
        if name:
            return f"{honorific}{name}" if honorific and not honorific.isascii() else f"{honorific} {name}".strip()
    return None


def _meeting(question: str) -> str | None:
    """The meeting the previous question named: its acronyms and edition."""
    asked = analyse(question)
    if not asked.acronyms:
        return None
    return " ".join(asked.acronyms) + (f" ครั้งที่ {asked.edition}" if asked.edition else "")


def _meeting_name(question: str) -> str | None:
    """The meeting a question names by its Latin name ("การประชุม SOCA Retreat", "at the 16th SOCCOM")."""
    match = _NAMED_MEETING.search(question)
    return next((g for g in match.groups() if g), None) if match else None


def resolve(question: str, history: Sequence[Turn]) -> str | None:
    """The question with its pronoun made the person the last answer named and "that meeting" the
    meeting the last question named; None when neither is found."""
    previous_question, previous_answer = history[-1]
    rewritten = question
    if _PERSON_REF.search(question) and (person := _person(previous_answer)):
        possessive = re.compile(r"\b(?:his|her)\b", re.I)
        rewritten = possessive.sub(f"{person}'s", rewritten) if possessive.search(rewritten) else rewritten
        rewritten = _PERSON_REF.sub(person + " ", rewritten, count=1).replace("  ", " ")
        # a person's post or capacity changes from meeting to meeting: the one asked about stays
        if not analyse(rewritten).acronyms and (meeting := _meeting_name(previous_question)):
            rewritten = rewritten.rstrip(" ?") + (f" at the {meeting}?" if question_language(question) == "en"
                                                  else f" ในการประชุม {meeting}")
    if _MEETING_REF.search(rewritten) and (meeting := _meeting(previous_question)):
        rewritten = _MEETING_REF.sub(lambda m: f"การประชุม {meeting} " if m.group().startswith(("การ", "ครั้ง"))
                                     else f"the {meeting} meeting", rewritten, count=1).replace("  ", " ").strip()
    return rewritten if rewritten != question else None


def _with_context(question: str, history: Sequence[Turn]) -> str:
    """The previous question's words give the context of one the rules could not resolve."""
    return f"{history[-1][0]} {question}"


def heuristic_rewrite(question: str, history: Sequence[Turn]) -> str:
    """Without an LLM: what :func:`resolve` makes of it, else the previous question's words give the context."""
    return resolve(question, history) or _with_context(question, history)


def rewrite(question: str, history: Sequence[Turn], chat_model: BaseChatModel | None) -> str:
    """A reference the rules resolve is not given to the model: on the seed follow-ups its rewrites
    were worse (6 of 10 answered right, against 10 of 10 by the rules). It gets only the rest."""
    if not refers_back(question, history):
        return question
    resolved = resolve(question, history)
    if resolved or chat_model is None:
        return resolved or _with_context(question, history)
    from langchain_core.messages import HumanMessage, SystemMessage

    convo = "\n".join(f"User: {q}\nAssistant: {a}" for q, a in history[-3:])
    reply = chat_model.invoke([
        SystemMessage(content=REWRITE_SYSTEM),
        HumanMessage(content=f"Conversation:\n{convo}\n\nLast question: {question}\nRewritten question:"),
    ])
    text = str(reply.content).strip().splitlines()[0].strip() if str(reply.content).strip() else ""
    return text if text and keeps_the_question(question, text) else _with_context(question, history)


def keeps_the_question(question: str, rewritten: str) -> bool:
    """Whether the model's rewrite still asks what the follow-up asked: nearly every word of it, the
    reference aside, is there. A 1.5B model asked to rewrite "การประชุมนั้นมีผู้เข้าร่วมประมาณกี่คน"
    after a question on the date wrote the date question again."""
    words = word_tokens(REFERS_BACK.sub(" ", question))
    kept = search_form(rewritten).lower()
    return not words or sum(w in kept for w in words) >= 0.8 * len(words)

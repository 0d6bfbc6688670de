"""The language models that write answers, behind LangChain's chat-model interface.

The local model runs in-process through xllamacpp, which embeds llama.cpp's own
server: we call its handlers directly (no HTTP hop). On a 2-core CPU, reading the
prompt costs far more than writing the answer, so we lean on the server's prompt
cache: with one slot and ``cache_prompt`` on, each request reuses the KV cache of the
longest token prefix it shares with the previous one. Our prompts start with the same
fixed system prompt, so from the second question on only the retrieved passages and
the question are read. A small host-RAM prompt cache (``cache_ram_mib``) keeps earlier
slot states, so alternating between two system prompts (say Thai and English) stays warm.

Answers are written under a llama.cpp grammar (``grammar=`` on a call, or :func:`constrained`
for a chain): the reply can only be the JSON rag/extract reads, so no token is spent on
anything else and nothing unparsable comes back.
"""
from __future__ import annotations

import queue
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import PrivateAttr

from prachum.config import Settings
from prachum.errors import LlmError
from prachum.models.fetch import ModelSetupError

# ~1.5k prompt tokens + up to a few hundred answer tokens, with room to spare; the
# KV cache of this 1.5B model costs ~28 KB per token, so 4096 tokens is ~115 MB.
DEFAULT_N_CTX = 4096
# Host-RAM copies of earlier prompts' KV caches (llama.cpp defaults to 8 GiB).
PROMPT_CACHE_MIB = 256


@dataclass
class _Engine:
    """One loaded model: the embedded llama.cpp server and the lock that serializes its use."""

    server: Any
    lock: threading.Semaphore  # as many holders as the server has slots
    path: Path
    n_threads: int
    n_ctx: int




def _check_gguf(path: Path) -> None:
    """Name the real problem before llama.cpp's generic 'Failed to init server'."""
    if not path.is_file():
        raise ModelSetupError(f"the language model file {path} does not exist. Run `prachum models setup`, or set llm_model to an existing .gguf file.")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != b"GGUF":
        raise ModelSetupError(f"{path} is not a GGUF model file (it starts with {magic!r}). Point llm_model at a .gguf file, or run `prachum models setup` to fetch the default model.")


def load_engine(path: Path, *, n_threads: int = 2, n_ctx: int = DEFAULT_N_CTX, verbosity: int = 1,
                n_parallel: int = 1) -> _Engine:
    """Load a GGUF into an embedded llama.cpp server. Each call loads it anew: the chat model that
    owns the result keeps it (rag.engine.Prachum holds one chat model per answerer). With
    ``n_parallel`` slots, that many requests are decoded together in one batch, each slot with
    ``n_ctx`` tokens and its own prompt cache (bench/concurrent_ask measures whether it pays)."""
    import xllamacpp  # heavy native module: imported only when a local model is really used

    path = Path(path).resolve()
    _check_gguf(path)
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx * n_parallel  # llama.cpp splits the context between the slots
    params.n_parallel = n_parallel  # one slot (the default): every request meets the previous prompt's KV cache
    params.cache_prompt = True
    params.cache_ram_mib = PROMPT_CACHE_MIB
    params.cpuparams.n_threads = n_threads
    params.cpuparams_batch.n_threads = n_threads
    params.verbosity = verbosity
    # The embedded server also listens on a random loopback port; a random key keeps
    # other local users out. In-process calls do not need it.
    params.api_keys = [secrets.token_hex(16)]
    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:
        raise ModelSetupError(
            f"llama.cpp could not load {path} ({exc}). The file may be corrupt, not a chat "
            "model this llama.cpp build supports, or too big for the free memory. Run "
            "`prachum models setup` again, or set llm_model to another .gguf file."
        ) from None
    return _Engine(server, threading.BoundedSemaphore(n_parallel), path, n_threads, n_ctx)


_ROLES: dict[type, str] = {SystemMessage: "system", HumanMessage: "user", AIMessage: "assistant"}


def _text(content: str | list) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and part.get("type") == "text":
            parts.append(str(part.get("text", "")))
        else:
            raise LlmError(f"the local model reads text only, got a {part.get('type') if isinstance(part, dict) else type(part).__name__} part")
    return "".join(parts)


def to_openai_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages -> the chat-completion messages llama.cpp's server expects."""
    converted = []
    for message in messages:
        if isinstance(message, ChatMessage):
            role = message.role
        else:
            role = next((r for kind, r in _ROLES.items() if isinstance(message, kind)), None)
            if role is None:
                raise LlmError(f"the local model cannot take a {message.type!r} message (tools are not supported)")
        converted.append({"role": role, "content": _text(message.content)})
    return converted


def _raise_for_error(response: Any) -> None:
    if isinstance(response, dict) and "error" in response:
        error = response["error"]
        message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
        if isinstance(error, dict) and error.get("type") == "exceed_context_size_error":
            raise LlmError(
                f"the prompt is too long for the local model: {message}. Lower k or "
                "context_tokens so fewer passages are sent."
            )
        raise LlmError(f"the local model failed: {message}")


def _usage(response: dict) -> UsageMetadata | None:
    usage = response.get("usage")
    if not usage:
        timings = response.get("timings")
        if not timings:
            return None
        prompt = int(timings.get("cache_n", 0)) + int(timings.get("prompt_n", 0))
        usage = {"prompt_tokens": prompt, "completion_tokens": int(timings.get("predicted_n", 0))}
    return UsageMetadata(
        input_tokens=int(usage.get("prompt_tokens", 0)),
        output_tokens=int(usage.get("completion_tokens", 0)),
        total_tokens=int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0)),
    )


_DONE = object()


class LocalLlamaChat(BaseChatModel):
    """A GGUF model run in this process by llama.cpp, deterministic by default.

    Calls are serialized per loaded model (``n_parallel`` = 1): on a 2-core CPU reading two
    prompts at once only makes both slower, and one slot keeps the prompt cache coherent. With
    more slots, up to that many calls run together and their tokens are decoded in one batch.
    """

    model_path: str
    n_threads: int = 2
    n_ctx: int = DEFAULT_N_CTX
    n_parallel: int = 1
    max_tokens: int = 256
    temperature: float = 0.0
    seed: int = 0
    cache_prompt: bool = True
    verbosity: int = 1
    _engine: _Engine | None = PrivateAttr(default=None)
    _loading: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings, model_path: Path) -> "LocalLlamaChat":
        return cls(model_path=str(model_path), n_threads=settings.llm_threads, max_tokens=settings.max_new_tokens)

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "max_tokens": self.max_tokens,
                "temperature": self.temperature, "seed": self.seed}

    def load(self) -> _Engine:
        """The model, loaded on first use and kept by this chat model; raises ModelSetupError."""
        with self._loading:
            if self._engine is None:
                self._engine = load_engine(Path(self.model_path), n_threads=self.n_threads, n_ctx=self.n_ctx,
                                           verbosity=self.verbosity, n_parallel=self.n_parallel)
            return self._engine

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool, **kwargs: Any) -> dict:
        request: dict[str, Any] = {
            "messages": to_openai_messages(messages),
            "max_tokens": int(kwargs.get("max_tokens", self.max_tokens)),
            "temperature": self.temperature,
            "seed": self.seed,
            "cache_prompt": self.cache_prompt,
            "stream": stream,
        }
        if self.temperature == 0:
            request["top_k"] = 1  # greedy: the same question over the same passages gives the same answer
        if stop:
            request["stop"] = list(stop)
        if kwargs.get("grammar"):
            request["grammar"] = str(kwargs["grammar"])  # llama.cpp GBNF: only replies it accepts can be written
        elif kwargs.get("json_schema"):
            request["json_schema"] = kwargs["json_schema"]
        return request

    def warm_up(self, system_prompt: str) -> dict:
        """Read ``system_prompt`` into the KV cache now, so the first real question starts warm."""
        engine = self.load()
        request = self._request([SystemMessage(system_prompt), HumanMessage("")], None, False, max_tokens=1)
        with engine.lock:
            response = engine.server.handle_chat_completions(request)
        _raise_for_error(response)
        return response.get("timings", {})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        engine = self.load()
        request = self._request(messages, stop, False, **kwargs)
        with engine.lock:
            response = engine.server.handle_chat_completions(request)
        _raise_for_error(response)
        choice = response["choices"][0]
        info = {"finish_reason": choice.get("finish_reason"), "timings": response.get("timings", {}),
                "model_name": engine.path.name}
        message = AIMessage(content=choice["message"].get("content") or "", response_metadata=info,
                            usage_metadata=_usage(response))
        return ChatResult(generations=[ChatGeneration(message=message, generation_info=info)],
                          llm_output={"timings": info["timings"], "model_name": engine.path.name})

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        engine = self.load()
        request = self._request(messages, stop, True, **kwargs)
        chunks: queue.Queue = queue.Queue()
        cancelled = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            chunks.put(chunk)
            return cancelled.is_set()  # True tells llama.cpp to stop generating

        def worker() -> None:
            # xllamacpp streams through a blocking callback; a thread turns it into an iterator.
            try:
                with engine.lock:
                    engine.server.handle_chat_completions(request, on_chunk)
            except BaseException as exc:  # surfaced in the consumer's thread
                chunks.put(exc)
            finally:
                chunks.put(_DONE)

        thread = threading.Thread(target=worker, name="llm-stream", daemon=True)
        thread.start()
        try:
            while (item := chunks.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise LlmError(f"the local model failed while streaming: {item}") from item
                _raise_for_error(item)
                choice = (item.get("choices") or [{}])[0]
                text = (choice.get("delta") or {}).get("content") or ""
                finish = choice.get("finish_reason")
                if not text and finish is None:
                    continue  # the opening role-only chunk
                info: dict[str, Any] = {}
                usage = None
                if finish is not None:
                    info = {"finish_reason": finish, "timings": item.get("timings", {}), "model_name": engine.path.name}
                    usage = _usage(item)
                chunk = ChatGenerationChunk(
                    message=AIMessageChunk(content=text, response_metadata=info, usage_metadata=usage),
                    generation_info=info or None,
                )
                if run_manager is not None and text:
                    run_manager.on_llm_new_token(text, chunk=chunk)
                yield chunk
        finally:
            cancelled.set()  # the consumer stopped early: end generation and free the lock
            thread.join()


def constrained(chat: BaseChatModel, grammar: str, schema: dict) -> Runnable:
    """``chat`` made to write only what ``grammar`` (llama.cpp GBNF) accepts. The local model takes the
    grammar itself; an OpenAI-compatible server gets the JSON schema as ``response_format``, which
    llama.cpp, Ollama and vLLM servers honour. Either way the reply is still checked (rag/extract)."""
    if isinstance(chat, LocalLlamaChat):
        return chat.bind(grammar=grammar)
    if type(chat).__name__ == "ChatOpenAI":
        return chat.bind(response_format={"type": "json_schema",
                                          "json_schema": {"name": "facts", "schema": schema}})
    return chat


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model that writes answers for ``settings.llm``."""
    if settings.llm == "local":
        from prachum.models.llm_setup import ensure_llm_model

        return LocalLlamaChat.from_settings(settings, ensure_llm_model(settings))
    if settings.llm == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=settings.openai_api_key or "not-needed",
            temperature=0,
            streaming=True,
            max_tokens=settings.max_new_tokens,
        )
    if settings.llm == "extractive":
        raise ValueError("the extractive answerer uses no language model; do not ask make_chat_model for one")
    raise ValueError(f"unknown answerer {settings.llm!r}")


__all__ = ["LlmError", "LocalLlamaChat", "constrained", "load_engine", "make_chat_model", "to_openai_messages",
           "DEFAULT_N_CTX"]

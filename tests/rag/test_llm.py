import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.messages import AIMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage

from prachum.models.fetch import ModelSetupError
from prachum.config import Settings
from rag.llm import LlmError, LocalLlamaChat, constrained, make_chat_model, to_openai_messages

SYSTEM = (
    "You answer questions about Thai government meeting records. Use only the facts in the "
    "context. Answer briefly, in the language of the question: Thai questions in Thai, "
    "English questions in English."
)
CONTEXT = (
    "เมื่อวันที่ 8 กุมภาพันธ์ 2564 (๘ ก.พ. ๖๔) นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและ"
    "ความมั่นคงของมนุษย์ ในฐานะผู้แทนประเทศไทย เข้าร่วมการประชุม SOCA Retreat ผ่านระบบการประชุมทางไกล "
    "โดยบรูไนดารุสซาลามเป็นประธานอาเซียน"
)


def _ask(question: str) -> list:
    return [SystemMessage(SYSTEM), HumanMessage(f"Context:\n{CONTEXT}\n\nQuestion: {question}")]


def _thai_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum("\u0e00" <= c <= "\u0e7f" for c in letters) / max(len(letters), 1)


# ---- fast tests (no model) ----

def test_messages_convert_to_chat_completion_roles():
    converted = to_openai_messages([
        SystemMessage("ตอบจากบริบท"),
        HumanMessage([{"type": "text", "text": "ประชุมวันที่ ๘ ก.พ. ๖๔ "}, "ที่ไหน"]),
        AIMessage("ที่บรูไน"),
        ChatMessage(role="user", content="SOCA Retreat คืออะไร"),
    ])
    assert converted == [
        {"role": "system", "content": "ตอบจากบริบท"},
        {"role": "user", "content": "ประชุมวันที่ ๘ ก.พ. ๖๔ ที่ไหน"},
        {"role": "assistant", "content": "ที่บรูไน"},
        {"role": "user", "content": "SOCA Retreat คืออะไร"},
    ]
    with pytest.raises(LlmError, match="tool"):
        to_openai_messages([ToolMessage("x", tool_call_id="1")])


def test_missing_or_invalid_gguf_is_a_setup_error(tmp_path):
    with pytest.raises(ModelSetupError, match="does not exist"):
        LocalLlamaChat(model_path=str(tmp_path / "ไม่มี.gguf")).invoke("สวัสดี")
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ModelSetupError, match="not a GGUF"):
        LocalLlamaChat(model_path=str(fake)).invoke("สวัสดี")
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ModelSetupError, match="could not load"):
        LocalLlamaChat(model_path=str(broken)).invoke("สวัสดี")


def test_extractive_needs_no_chat_model():
    with pytest.raises(ValueError, match="extractive"):
        make_chat_model(Settings(llm="extractive"))


def test_openai_chat_model_is_built_from_settings():
    from langchain_openai import ChatOpenAI

    settings = Settings(llm="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="typhoon-ไทย",
                        openai_api_key="", max_new_tokens=77)
    model = make_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.model_name == "typhoon-ไทย"
    assert model.openai_api_key.get_secret_value() == "not-needed"
    assert model.temperature == 0 and model.streaming is True and model.max_tokens == 77
    keyed = make_chat_model(settings.replace(openai_api_key="sk-test"))
    assert keyed.openai_api_key.get_secret_value() == "sk-test"


def test_grammar_reaches_llama_cpp_and_each_chat_model_is_constrained_its_own_way():
    from rag.extract import grammar, json_schema

    local = LocalLlamaChat(model_path="/nonexistent.gguf")
    rules = grammar(2)
    request = local._request([HumanMessage("ใครเป็นผู้แทน")], None, True, grammar=rules)
    assert request["grammar"] == rules and "json_schema" not in request
    assert "grammar" not in local._request([HumanMessage("x")], None, False)
    assert constrained(local, rules, json_schema(2)).kwargs == {"grammar": rules}
    openai = make_chat_model(Settings(llm="openai", openai_base_url="http://127.0.0.1:9/v1"))
    bound = constrained(openai, rules, json_schema(2))
    assert bound.kwargs["response_format"]["json_schema"]["schema"]["properties"]["f"]["maxItems"] == 3


ANSWER_PIECES = ["นางจตุพร", " โรจนพานิช", " เป็นผู้แทนประเทศไทย (๘ ก.พ. ๖๔)"]


class _FakeOpenAI(BaseHTTPRequestHandler):
    """A chat-completions endpoint that always gives the same answer, streamed or not."""

    requests: list = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        base = {"id": "chatcmpl-1", "created": 0, "model": body["model"]}
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i, piece in enumerate(ANSWER_PIECES):
                delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                event = {**base, "object": "chat.completion.chunk",
                         "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            last = {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            self.wfile.write(f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n".encode())
            return
        payload = json.dumps({**base, "object": "chat.completion", "choices": [{
            "index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "".join(ANSWER_PIECES)}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_openai():
    _FakeOpenAI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", _FakeOpenAI.requests
    server.shutdown()
    server.server_close()


def test_openai_path_talks_to_a_local_compatible_server(fake_openai):
    base_url, requests = fake_openai
    model = make_chat_model(Settings(llm="openai", openai_base_url=base_url, openai_model="qwen2.5:1.5b"))
    answer = model.invoke(_ask("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat"))
    assert answer.content == "".join(ANSWER_PIECES)
    chunks = [c.content for c in model.stream(_ask("ใครเป็นผู้แทนประเทศไทย"))]
    assert "".join(chunks) == "".join(ANSWER_PIECES)
    assert sum(bool(c) for c in chunks) == len(ANSWER_PIECES)
    sent = requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["auth"] == "Bearer not-needed"
    assert sent["body"]["model"] == "qwen2.5:1.5b" and sent["body"]["temperature"] == 0
    assert sent["body"]["messages"][0] == {"role": "system", "content": SYSTEM}
    assert "จตุพร" in sent["body"]["messages"][1]["content"]


# ---- the real local model ----

@pytest.fixture(scope="module")
def local_chat():
    model = make_chat_model(Settings())
    assert isinstance(model, LocalLlamaChat)
    return model


@pytest.mark.llm
def test_thai_question_is_answered_from_the_context(local_chat):
    answer = local_chat.invoke(_ask("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat"))
    assert "จตุพร" in answer.content
    assert answer.response_metadata["finish_reason"] in ("stop", "length")
    assert answer.usage_metadata["input_tokens"] > 50


@pytest.mark.llm
def test_answers_are_deterministic_and_streaming_matches(local_chat):
    question = _ask("การประชุม SOCA Retreat จัดขึ้นวันที่เท่าไร")
    whole = local_chat.invoke(question).content
    chunks = [chunk.content for chunk in local_chat.stream(question)]
    assert sum(bool(c) for c in chunks) >= 3
    assert "".join(chunks) == whole
    assert local_chat.invoke(question).content == whole
    assert re.search(r"8|๘", whole)


@pytest.mark.llm
def test_english_question_is_answered_in_english(local_chat):
    answer = local_chat.invoke(_ask("Which meeting did the Thai representative attend, and how was it held?")).content
    assert re.search(r"[A-Za-z]{3,}", answer)
    assert _thai_share(answer) < 0.3, answer


@pytest.mark.llm
def test_same_system_prompt_is_read_from_the_kv_cache(local_chat):
    local_chat.invoke(_ask("ใครเป็นประธานอาเซียน"))
    second = local_chat.invoke([SystemMessage(SYSTEM), HumanMessage("Context:\nไม่มีข้อมูล\n\nQuestion: ประชุมที่ไหน")])
    timings = second.response_metadata["timings"]
    system_tokens = 40  # SYSTEM is ~50 tokens; the cached prefix must cover it
    assert timings["cache_n"] >= system_tokens
    assert timings["prompt_n"] < second.usage_metadata["input_tokens"]


@pytest.mark.llm
def test_stopping_a_stream_early_frees_the_model(local_chat):
    stream = local_chat.stream(_ask("สรุปการประชุมนี้"))
    first = next(stream)
    stream.close()
    assert isinstance(first.content, str)
    assert "จตุพร" in local_chat.invoke(_ask("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat")).content


@pytest.mark.llm
def test_concurrent_calls_are_serialized(local_chat):
    answers: dict[int, str] = {}

    def ask(i: int) -> None:
        answers[i] = local_chat.invoke(_ask("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat")).content

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers[0] == answers[1] and "จตุพร" in answers[0]


@pytest.mark.llm
def test_prompt_longer_than_the_context_is_a_clear_error(local_chat):
    small = LocalLlamaChat(model_path=local_chat.model_path, n_ctx=256)
    with pytest.raises(LlmError, match="too long"):
        small.invoke(_ask("ใครเป็นผู้แทน " + CONTEXT * 10))


@pytest.mark.llm
def test_warm_up_reads_a_new_system_prompt_ahead_of_the_first_question(local_chat):
    system = SYSTEM + " ตอบไม่เกินหนึ่งประโยค"
    local_chat.warm_up(system)
    answer = local_chat.invoke([SystemMessage(system), HumanMessage(f"Context:\n{CONTEXT}\n\nQuestion: ใครเป็นผู้แทน")])
    assert answer.response_metadata["timings"]["cache_n"] >= 40
    assert "จตุพร" in answer.content


SOCA_LINES = [
    "เมื่อวันที่ 8 กุมภาพันธ์ 2564 เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
    "ได้รับมอบหมายจาก นางพัชรี อารยะกุล ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ในฐานะผู้แทนประเทศไทย "
    "เข้าร่วมการประชุม SOCA Retreat",
    "นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ เข้าร่วมการประชุม SOMSWD+3 ครั้งที่ 15",
]


def _extract(local_chat, question: str):
    from langchain_core.output_parsers import StrOutputParser

    from rag.evidence import Sentence
    from rag.extract import answer, plan
    from rag.prompts import extract_prompt
    from rag.question import analyse
    from prachum.types import Passage

    passages = [Passage(f"p{i}", t, f"{i}.txt", "", "", 1.0, 1.0, 1.0) for i, t in enumerate(SOCA_LINES)]
    job = plan(question, analyse(question), [Sentence(i, 0, len(t), t) for i, t in enumerate(SOCA_LINES)])
    chain = extract_prompt() | constrained(local_chat, job.grammar, job.schema) | StrOutputParser()
    raw = chain.invoke(job.inputs)
    return raw, answer(job.read(raw, passages), job.lang)


@pytest.mark.llm
def test_the_grammar_holds_the_real_model_to_verified_spans_in_thai(local_chat):
    raw, checked = _extract(local_chat, "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร")
    assert json.loads(raw)["f"] == "AD", raw  # A-C the three people, D the date: letters only, by the grammar
    text, citations, facts = checked
    assert "นางจตุพร โรจนพานิช" in text and "8 กุมภาพันธ์ 2564" in text, raw
    assert [f.kind for f in facts] == ["person", "date"] and citations[0].passage.id == "p0"


@pytest.mark.llm
def test_the_real_model_answers_an_english_question_in_english(local_chat):
    raw, checked = _extract(local_chat, "Who represented Thailand at the SOCA Retreat and when was it held?")
    text, _, facts = checked
    assert "8 February 2021" in text and "2564" not in text, raw
    assert "จตุพร" in text
    english = re.sub(r"“[^”]*”|นาง\S+ \S+", "", text)  # the quoted Thai position and the name set aside
    assert _thai_share(english) < 0.2, text


@pytest.mark.llm
def test_the_real_model_copies_a_short_span_when_nothing_is_offered(local_chat):
    raw, checked = _extract(local_chat, "นางจตุพรได้รับมอบหมายให้ปฏิบัติหน้าที่อะไร")
    spans = json.loads(raw)["f"]
    assert isinstance(spans, list) and spans, raw  # no slot to offer: words copied from a sentence
    text, citations, facts = checked  # (which words the 1.5B model copies varies; that they are the record's does not)
    n, span = spans[0]
    assert span in SOCA_LINES[n - 1] and facts[0].text in text and citations[0].passage.id == f"p{n - 1}", raw


@pytest.mark.llm
def test_a_warm_pick_reads_few_tokens_and_writes_fewer(local_chat):
    from langchain_core.messages import SystemMessage

    from rag.prompts import EXTRACT_SYSTEM

    local_chat.warm_up(EXTRACT_SYSTEM)
    question = "Who represented Thailand at the SOCA Retreat and when was it held?"
    from rag.evidence import Sentence
    from rag.extract import plan
    from rag.prompts import extract_prompt
    from rag.question import analyse

    person = SOCA_LINES[0][SOCA_LINES[0].index("นางจตุพร"):SOCA_LINES[0].index(" ได้รับ")]
    job = plan(question, analyse(question), [Sentence(i, 0, len(t), t) for i, t in enumerate(SOCA_LINES)],
               anchors=[person, "8 February 2021"])  # the short answer's facts: the model only phrases them
    assert job.inputs["sentences"].count("\n") == 0  # the one sentence that holds them, cut around them
    reply = local_chat.invoke(extract_prompt().format_messages(**job.inputs), grammar=job.grammar)
    timings = reply.response_metadata["timings"]
    assert isinstance(extract_prompt().format_messages(**job.inputs)[0], SystemMessage)
    assert timings["cache_n"] >= 250  # the system prompt came from the cache
    assert timings["prompt_n"] < 200 and timings["predicted_n"] < 40, timings


@pytest.mark.llm
def test_parallel_slots_answer_two_calls_together_as_one_slot_answers_each(local_chat):
    two = LocalLlamaChat(model_path=local_chat.model_path, n_parallel=2, verbosity=0)
    question = _ask("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat")
    alone = local_chat.invoke(question).content
    answers: dict[int, str] = {}

    def ask(i: int) -> None:
        answers[i] = two.invoke(question).content

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert two.load().n_ctx == local_chat.n_ctx  # each slot keeps the whole context
    assert answers[0] == answers[1] and "จตุพร" in answers[0], (answers, alone)

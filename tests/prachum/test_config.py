from pathlib import Path

import pytest

from prachum.config import SettingsError, load_settings


def test_defaults_then_file_then_env_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PRACHUM_CONFIG", raising=False)
    (tmp_path / "prachum.toml").write_text('k = 7\nllm = "extractive"\nchunk_tokens = 200\n', encoding="utf-8")
    monkeypatch.setenv("PRACHUM_K", "9")
    settings = load_settings({"chunk_tokens": 150}, cwd=tmp_path)
    assert settings.llm == "extractive"      # from the file
    assert settings.k == 9                   # env beats file
    assert settings.chunk_tokens == 150      # flag beats everything
    assert settings.fusion == "zscore"       # default


def test_pyproject_tool_section_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PRACHUM_K", raising=False)
    (tmp_path / "pyproject.toml").write_text("[tool.prachum]\nk = 3\n", encoding="utf-8")
    assert load_settings(cwd=tmp_path).k == 3


def test_data_dir_from_environment_expands_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PRACHUM_DATA_DIR", "~/prachum-data")
    settings = load_settings(cwd=tmp_path)
    assert settings.data_dir == Path.home() / "prachum-data"
    assert settings.chroma_dir == settings.data_dir / "chroma"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"k": 0}, "k must be between"),
        ({"llm": "gpt"}, "llm must be one of"),
        ({"chunk_tokens": 900}, "e5 reads at most 512"),
        ({"k": "ห้า"}, "expects int"),
        ({"colour": "red"}, "unknown setting"),
    ],
)
def test_bad_values_are_named_in_the_error(overrides, message, tmp_path: Path):
    with pytest.raises(SettingsError, match=message):
        load_settings(overrides, cwd=tmp_path)


def test_unknown_key_in_config_file_is_an_error(tmp_path: Path):
    (tmp_path / "prachum.toml").write_text("chunk_size = 100\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="chunk_size"):
        load_settings(cwd=tmp_path)


def test_invalid_toml_says_which_file(tmp_path: Path):
    (tmp_path / "prachum.toml").write_text("k = = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="prachum.toml is not valid TOML"):
        load_settings(cwd=tmp_path)

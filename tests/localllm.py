"""The real local model for the ``localllm`` tests: skipped where the local-llm extra is not
installed, except under CI, which installs it (`make local-llm`) and must run them."""

from __future__ import annotations

import os

import pytest

from footcast import local_llm

__all__ = ["require_local_model"]


def require_local_model() -> None:
    reason = local_llm.missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI runs the localllm tests, but {reason}")
    pytest.skip(reason)

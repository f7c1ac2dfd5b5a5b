"""Who predicts: statistical models, naive baselines and (later) LLMs, behind one protocol."""

__all__: list[str] = []

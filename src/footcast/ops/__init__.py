"""Operating the pipeline: classifying failures and gaps for people."""

__all__: list[str] = []

"""footcast's web surface: the public API, health, the admin API, metrics and HTML pages."""

__all__: list[str] = []

"""Where fixtures and facts come from: the simulated league (and, later, API-Football, CSV)."""

__all__: list[str] = []

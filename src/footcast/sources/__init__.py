"""Where fixtures and facts come from: the simulated league, season files (football-data.co.uk,
openfootball) and API-Football."""

__all__: list[str] = []

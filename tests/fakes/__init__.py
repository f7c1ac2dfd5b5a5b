"""Fakes of outside services for tests: real servers that speak the real wire formats."""

"""Measures and observations in the REST API."""


def register(router) -> None:
    pass

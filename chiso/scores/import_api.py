"""The import part of the index results API."""


def register(router) -> None:
    pass

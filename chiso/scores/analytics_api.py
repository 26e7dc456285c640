"""The analytics part of the index results API."""


def register(router) -> None:
    pass

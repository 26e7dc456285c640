"""The assessment part of the index results API."""


def register(router) -> None:
    pass

"""Index results in the REST API: each part of the app registers its own viewsets."""

from chiso.scores import analytics_api, assessment_api, import_api


def register(router) -> None:
    analytics_api.register(router)
    import_api.register(router)
    assessment_api.register(router)

"""Vietnamese unless the user chose otherwise.

Many office PCs run an English browser; civil servants still expect chiso in Vietnamese. The
browser's Accept-Language is therefore ignored: the language is the one picked in the top bar
(kept in a cookie), or Vietnamese.
"""


class IgnoreBrowserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

from chiso.home.coordinator import waiting_count


def waiting(request):
    """The bell's count (unread notifications and reports to approve), computed only when a page
    shows it: the value is a callable, which a template calls when it uses it."""
    user = getattr(request, "user", None)
    cache: dict[str, int] = {}

    def count() -> int:
        if not (user and user.is_authenticated):
            return 0
        if "n" not in cache:
            cache["n"] = waiting_count(user)
        return cache["n"]

    return {"chiso_waiting": count}

"""The one exception every reader and the parser raise for input they cannot use.

Each carries a Vietnamese message fit to show the user as it is, and a short machine code.
"""


class DocumentImportError(Exception):
    """A file that cannot be imported, and why (message in Vietnamese)."""

    code = "invalid"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message


class UnsupportedFormat(DocumentImportError):
    code = "unsupported"


class CorruptDocument(DocumentImportError):
    code = "corrupt"


class EncryptedDocument(DocumentImportError):
    code = "encrypted"


class DocumentTooLarge(DocumentImportError):
    code = "too_large"


class ZipBomb(DocumentImportError):
    code = "zip_bomb"


class NoTextLayer(DocumentImportError):
    code = "no_text"


class ParseTimeout(DocumentImportError):
    code = "timeout"


class NoTasksFound(DocumentImportError):
    """The file was read but holds no task table nor task list; `plan` keeps what was found."""

    code = "no_tasks"

    def __init__(self, message: str, plan=None):
        super().__init__(message)
        self.plan = plan

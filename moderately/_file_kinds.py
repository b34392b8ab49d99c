"""What kind of file a file record is, from its MIME type and name (shared by both APIs)."""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

_CSV_TYPES = frozenset({"text/csv", "application/csv", "text/comma-separated-values"})
_JSON_TYPES = frozenset({"application/json", "application/ld+json", "application/x-ndjson"})
_DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/rtf",
        "text/rtf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.presentation",
    }
)
_DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "odt", "rtf", "ppt", "pptx", "odp"})
_SPREADSHEET_EXTENSIONS = frozenset({"xls", "xlsx", "ods"})
_TEXT_APPLICATION_TYPES = frozenset({"application/xml", "application/yaml", "application/x-yaml"})


class FileKinds:
    """Properties that classify a file: ``is_csv``, ``is_image``, ``extension`` and the like."""

    __slots__ = ()

    if TYPE_CHECKING:
        file_name: str
        mime_type: str
        upload_status: str

    @property
    def name(self) -> str:
        """The file's name (``file_name``)."""
        return self.file_name

    @property
    def extension(self) -> str:
        """The name's extension, lower case, without the dot ("" when there is none)."""
        return PurePath(self.file_name).suffix.lower().lstrip(".")

    @property
    def is_ready(self) -> bool:
        """True once the upload completed and the bytes can be downloaded."""
        return self.upload_status == "completed"

    @property
    def is_pending(self) -> bool:
        """True while the platform waits for the bytes."""
        return self.upload_status == "pending"

    @property
    def is_failed(self) -> bool:
        """True when the upload was refused (its bytes did not match what was declared)."""
        return self.upload_status == "failed"

    @property
    def is_csv(self) -> bool:
        """True for comma-separated values."""
        return self._mime in _CSV_TYPES or self.extension == "csv"

    @property
    def is_json(self) -> bool:
        """True for JSON (or JSON lines) content."""
        return (
            self._mime in _JSON_TYPES
            or self._mime.endswith("+json")
            or self.extension in ("json", "jsonl", "ndjson")
        )

    @property
    def is_image(self) -> bool:
        """True for any ``image/*`` type."""
        return self._mime.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        """True for PDF documents."""
        return self._mime == "application/pdf" or self.extension == "pdf"

    @property
    def is_document(self) -> bool:
        """True for documents: PDF, word-processor files and presentations."""
        return self._mime in _DOCUMENT_TYPES or self.extension in _DOCUMENT_EXTENSIONS

    @property
    def is_spreadsheet(self) -> bool:
        """True for spreadsheet workbooks (Excel, OpenDocument); CSV is ``is_csv``."""
        return "spreadsheet" in self._mime or self.extension in _SPREADSHEET_EXTENSIONS

    @property
    def is_text(self) -> bool:
        """True for content readable as text: ``text/*``, JSON, XML, YAML."""
        return (
            self._mime.startswith("text/") or self._mime in _TEXT_APPLICATION_TYPES or self.is_json
        )

    @property
    def _mime(self) -> str:
        # Parameters such as "; charset=utf-8" do not change what the file is.
        return self.mime_type.split(";", 1)[0].strip().lower()

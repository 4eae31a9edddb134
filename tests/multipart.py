"""Form bodies as a browser, or someone crafting requests, could send them:
url-encoded, multipart/form-data, or multipart with file parts where the
app's forms take only text (all but the roster upload, which
tests/test_roster_fuzz.py fuzzes with files of its own)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.fuzzing import any_text

#: Names a file part may carry: none, a path, markup, a long one.
FILENAMES = ["notes.txt", "", "../../etc/passwd", "<fuzz-tag data-fuzz=1>.png", "résumé.docx", "a" * 300 + ".pdf"]


def file_part(value: str, filename: str = "notes.txt") -> tuple:
    """A form value sent as an uploaded file, as the test client posts one."""
    return io.BytesIO(value.encode("utf-8")), filename


@dataclass
class Body:
    """A form's fields as a browser could send them: `files` says how many
    went as file parts (refused by every form these bodies are sent to)."""

    data: list[tuple[str, object]]
    content_type: str | None
    files: int = 0


@st.composite
def bodies(draw, pairs: list[tuple[str, str]]) -> Body:
    """The pairs url-encoded (as forms post by default), as multipart/form-data,
    or as multipart with some values, or an extra part, sent as files."""
    encoding = draw(st.sampled_from(["urlencoded", "urlencoded", "multipart", "files"]), label="encoding")
    if encoding == "urlencoded":
        return Body(list(pairs), None)
    if encoding == "multipart":
        return Body(list(pairs), "multipart/form-data")
    as_files = (
        draw(st.sets(st.sampled_from(range(len(pairs))), max_size=len(pairs)), label="as files") if pairs else set()
    )
    data = [
        (name, file_part(value, draw(st.sampled_from(FILENAMES))) if i in as_files else value)
        for i, (name, value) in enumerate(pairs)
    ]
    if not as_files or draw(st.booleans(), label="extra file"):
        name = draw(st.sampled_from(sorted({n for n, _ in pairs} | {"file", "upload", "photo"})), label="file name")
        data.append((name, file_part(draw(any_text), draw(st.sampled_from(FILENAMES)))))
    return Body(data, "multipart/form-data", sum(1 for _, v in data if isinstance(v, tuple)))

"""Upload storage on disk: private, content-addressed, nothing under a key until it is whole."""

from __future__ import annotations

import hashlib
import io
import os

from server.attachments.storage import Storage


def test_an_upload_is_stored_whole_under_its_sha256_and_private(tmp_path):
    storage = Storage(tmp_path / "files")
    content = b"%PDF-1.7 housing report"
    received = storage.receive(io.BytesIO(content), 1000)
    digest = hashlib.sha256(content).hexdigest()
    assert (received.sha256, received.size, received.key) == (digest, len(content), f"{digest[:2]}/{digest}")
    assert storage.keys() == set()  # received, not stored: nothing under a key yet
    assert oct(received.path.stat().st_mode & 0o777) == "0o600"
    key = storage.place(received)
    assert storage.keys() == {key} and storage.path(key).read_bytes() == content
    assert not received.path.exists() and storage.incoming_files() == []
    assert oct(storage.path(key).stat().st_mode & 0o777) == "0o600"
    for folder in (storage.root, storage.path(key).parent, storage.incoming):
        assert oct(folder.stat().st_mode & 0o777) == "0o700", folder


def test_an_upload_over_the_limit_leaves_nothing_behind(tmp_path):
    storage = Storage(tmp_path / "files")
    assert storage.receive(io.BytesIO(b"x" * 1001), 1000) is None
    assert storage.incoming_files() == [] and storage.keys() == set()
    assert storage.receive(io.BytesIO(b"x" * 1000), 1000).size == 1000


def test_a_storage_folder_made_by_hand_for_everyone_is_made_private(tmp_path):
    root = tmp_path / "files"
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)
    Storage(root).receive(io.BytesIO(b"abc"), 10)
    assert oct(root.stat().st_mode & 0o777) == "0o700"


def test_only_keys_of_our_own_shape_are_storage(tmp_path):
    storage = Storage(tmp_path / "files")
    for key in ("../../etc/passwd", "ab/../../x", "AB/" + "A" * 64, "ab/" + "a" * 63, ""):
        try:
            storage.path(key)
        except ValueError:
            continue
        raise AssertionError(f"{key!r} was taken for a storage key")

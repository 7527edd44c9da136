import os
import time
from uuid import UUID

from inklusi.ids import id_time_ms, new_id


def test_ids_are_version_7_time_ordered_and_unique():
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(20_000)]
    assert all(value.version == 7 and value.variant == "specified in RFC 4122" for value in ids)
    assert ids == sorted(ids)  # monotonic, even within one millisecond
    assert len(set(ids)) == len(ids)
    assert before <= id_time_ms(ids[0]) <= id_time_ms(ids[-1]) <= time.time_ns() // 1_000_000 + 1


def test_a_forked_child_does_not_repeat_the_parents_ids():
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.write(write, b"".join(new_id().bytes for _ in range(100)))
        os._exit(0)
    os.waitpid(pid, 0)
    data = os.read(read, 1600)
    child = {UUID(bytes=data[i : i + 16]) for i in range(0, len(data), 16)}
    parent = {new_id() for _ in range(100)}
    assert len(child) == 100 and not child & parent
    assert {value.int & ((1 << 62) - 1) for value in child}.isdisjoint(
        value.int & ((1 << 62) - 1) for value in parent
    )

"""Every code the sharing pages show has its words in both languages, and so has every audit purpose the
slice added (the audit log page names the purpose of each entry)."""

from __future__ import annotations

from inklusi.audit.model import Purpose
from inklusi.audit.web import PURPOSE_LABELS
from inklusi.ppks.model import Sensitivity
from inklusi.sharing.labels import GROUPS, words
from inklusi.sharing.model import AgreementStatus, FieldLevel, Operation, Transform
from inklusi.sharing.service import QUEUES
from inklusi.sharing.subjects import CHANNELS, Deadline, DeletionItem, RequestKind, RequestStatus


def test_every_code_has_words_in_both_languages():
    codes = {
        "state": {s.value for s in AgreementStatus} | {"expired", "not_yet_valid"},
        "operation": {o.value for o in Operation},
        "transform": {t.value for t in Transform},
        "sensitivity": {s.value for s in Sensitivity},
        "level": {f.value for f in FieldLevel},
        "kind": {k.value for k in RequestKind},
        "status": {s.value for s in RequestStatus},
        "deadline": {d.value for d in Deadline},
        "item": {i.value for i in DeletionItem},
        "channel": set(CHANNELS),
        "queue": set(QUEUES),
    }
    assert {group: set(labels) for group, labels in GROUPS.items()} == codes
    indonesian, english = words("id"), words("en")
    for group in codes:
        for code in codes[group]:
            assert indonesian[group][code] != english[group][code], (group, code)
    assert english["transform"]["as_is"] == "as is" and indonesian["state"]["approved"] == "disetujui"
    assert indonesian["category"]["neglected_elderly"] != "neglected_elderly"
    assert indonesian["state"]["from_a_newer_release"] == "from_a_newer_release"


def test_every_audit_purpose_has_a_label():
    assert set(PURPOSE_LABELS) == set(Purpose)

"""Every audit code the core records has a Swedish label, so no page ever shows a raw code."""
import re
from pathlib import Path

from beh_core.audit_labels import AUDIT_LABELS, audit_label

CORE = Path(__file__).resolve().parent.parent / "beh_core"
RECORDED = re.compile(r'audit\.record(?:_many)?\([^"]*?"([a-z_.]+)"', re.S)  # record and record_many
ADDED = re.compile(r'AuditEvent\([^)]*action="([a-z_.]+)"', re.S)


def recorded_codes() -> set[str]:
    codes: set[str] = set()
    for path in CORE.rglob("*.py"):
        text = path.read_text("utf-8")
        codes |= set(RECORDED.findall(text)) | set(ADDED.findall(text))
    # Codes chosen at run time: audit.record(..., "order.approved" if approve else "order.rejected", ...).
    for path in CORE.rglob("*.py"):
        codes |= set(re.findall(r'audit\.record\([^"]*?"[a-z_.]+" if [^"]*? else "([a-z_.]+)"', path.read_text("utf-8")))
    return codes


def test_varje_händelsekod_har_en_etikett():
    codes = recorded_codes()
    assert {"order.created", "attest.signature_refused", "order.rejected", "login"} <= codes
    assert not codes - set(AUDIT_LABELS), sorted(codes - set(AUDIT_LABELS))


def test_okänd_kod_visas_aldrig_rå():
    assert audit_label("something.new") == "Händelse"
    assert audit_label("attest.signature_refused") == "Signeringen av attesten godtogs inte"

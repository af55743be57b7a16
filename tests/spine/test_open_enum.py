from __future__ import annotations

from ardent_async._core._converter import converter
from ardent_async.models import OperationStatus


def test_case_variants_are_the_known_member() -> None:
    for spelling in ("Completed", "COMPLETED", "completed"):
        status = OperationStatus(spelling)
        assert status is OperationStatus.COMPLETED
        assert status.is_known
        assert status == OperationStatus.COMPLETED == "completed"
        assert converter.structure(spelling, OperationStatus) is OperationStatus.COMPLETED


def test_unknown_values_stay_unknown_and_equal_their_text() -> None:
    status = OperationStatus("Paused_For_Review")
    assert not status.is_known
    assert status == "Paused_For_Review"
    assert status != OperationStatus.COMPLETED

import pytest


@pytest.mark.parametrize("case", range(8))
def test_holds_a_connectable_branch(ardent_branch, case):
    assert ardent_branch.url.startswith("postgresql")

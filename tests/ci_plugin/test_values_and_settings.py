"""The branch fixtures' values print masked yet work as connection strings; run ids from CI."""

from __future__ import annotations

import pytest

from ardent_async.emulator._ci_fixtures import pytest_assertrepr_compare
from ardent_async.emulator._ci_settings import ci_run_id
from ardent_async.emulator.ci_values import BranchDSN, CIBranch, SecretURL

URL = "postgresql://branch_role:pa%3Ass@127.0.0.1:6543/branch_db"
PASSWORDS = ("pa%3Ass", "pa:ss")


def shown_forms(value: object) -> list[str]:
    old_style = "%s" % (value,)  # noqa: UP031 (what older code does)
    return [repr(value), str(value), f"{value}", f"{value!r}", old_style, format(value, "")]


def test_a_secret_url_is_the_url_but_prints_masked() -> None:
    url = SecretURL(URL)
    assert url == URL
    assert url.reveal() == URL
    assert type(url.reveal()) is str
    assert url.startswith("postgresql://branch_role:")
    for shown in shown_forms(url):
        assert "branch_role:***@127.0.0.1:6543" in shown
        assert not any(password in shown for password in PASSWORDS)


def test_a_dsn_has_its_parts_and_prints_masked() -> None:
    dsn = BranchDSN.from_url(URL)
    assert (
        dsn.reveal() == "host=127.0.0.1 port=6543 user=branch_role password=pa:ss dbname=branch_db"
    )
    assert dsn.as_dict() == {
        "host": "127.0.0.1",
        "port": 6543,
        "user": "branch_role",
        "password": "pa:ss",
        "database": "branch_db",
    }
    for shown in shown_forms(dsn):
        assert "password=***" in shown
        assert "pa:ss" not in shown


def test_a_branch_and_its_report_never_show_the_password() -> None:
    branch = CIBranch(
        name="ci-r1-gw0",
        branch_id="br_1",
        connector_id="conn_1",
        url=SecretURL(URL),
        dsn=BranchDSN.from_url(URL),
        pooled_url=None,
        created=True,
        worker="gw0",
    )
    report = branch.how_to_connect()
    assert "ci-r1-gw0 (id br_1, connector conn_1, worker gw0)" in report
    assert "branches info ci-r1-gw0 --connector-id conn_1 --show-secrets" in report
    for shown in [report, *shown_forms(branch)]:
        assert not any(password in shown for password in PASSWORDS)


def test_comparing_a_branch_url_explains_without_a_diff() -> None:
    lines = pytest_assertrepr_compare("==", SecretURL(URL), URL)
    assert lines is not None
    assert not any(password in line for line in lines for password in PASSWORDS)
    assert pytest_assertrepr_compare("==", "a", "b") is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        (
            {"GITHUB_RUN_ID": "123", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_JOB": "tests"},
            "gh-123-tests",
        ),
        ({"CI_PIPELINE_ID": "77", "CI_JOB_ID": "9", "CI_JOB_NAME": "test 3.11"}, "gl-77-test 3.11"),
        ({"BUILDKITE_BUILD_ID": "b-1", "BUILDKITE_STEP_KEY": "unit"}, "bk-b-1-unit"),
        ({"CIRCLE_WORKFLOW_ID": "wf", "CIRCLE_JOB": "build"}, "cc-wf-build"),
        ({"BUILD_TAG": "jenkins-app-12"}, "jk-jenkins-app-12"),
        ({"CI": "true"}, None),
    ],
)
def test_the_run_id_comes_from_the_ci(environ: dict[str, str], expected: str | None) -> None:
    assert ci_run_id(environ) == expected

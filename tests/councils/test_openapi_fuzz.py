"""The OpenAPI description tells the truth: schemathesis, with every one of its checks, against the live server.

Schemathesis reads /api/v1/openapi.json and makes requests from it, valid and
deliberately invalid (a bounded number of each, so the suite stays quick), and
checks every answer against the description: no server error, only the status
codes, content types, headers and bodies it documents, invalid data refused
and valid data accepted (as `schemathesis run --checks all` does).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.generation import GenerationMode

from providers.councils.api import openapi_document

pytestmark = [pytest.mark.django_db(transaction=True)]

checks.load_all_checks()
EVERY_CHECK = list(checks.CHECKS.get_all())
schema = schemathesis.openapi.from_dict(openapi_document("http://testserver/"))
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=40)


@pytest.fixture
def api_server(live_server, sample_loaded):
    """The live app with the sample, so searches find services and every field is filled."""
    return live_server.url


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_does_what_its_description_says(case, api_server):
    case.call_and_validate(base_url=api_server, checks=EVERY_CHECK)


def test_the_description_says_what_a_search_needs():
    """q is required and bounded; status and type are lists of values; page numbers are bounded whole numbers."""
    operation = openapi_document("http://testserver/")["paths"]["/api/v1/services"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["q"]["required"] is True
    assert parameters["q"]["schema"]["minLength"] == 1 and parameters["q"]["schema"]["maxLength"] == 200
    assert "sunny side" in parameters["q"]["schema"]["examples"]
    status = parameters["status"]["schema"]
    assert set(status["anyOf"][0]["enum"]) >= {"meets", "out_of_date", "not_found"}
    page = parameters["page"]["schema"]
    assert (page["type"], page["minimum"], page["maximum"]) == ("integer", 1, 100000)
    assert {str(code) for code in operation["responses"]} >= {"200", "400"}


# --- The schemathesis command, every check and every phase, as a stranger would run it (issue 37) ---------

CLI_SEEDS = (1, 2, 3)
CLI_EXAMPLES = 50


@pytest.mark.once
def test_schemathesis_with_every_check_and_every_phase_passes_for_three_seeds(api_server, tmp_path):
    """`schemathesis run --checks all` with its four phases (examples, coverage, fuzzing, stateful), a seed
    each, run side by side against the live server. A failure prints schemathesis's report with the
    request to replay (`curl ...`)."""
    import subprocess
    import sys
    from pathlib import Path

    runs = {}
    for seed in CLI_SEEDS:
        command = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{api_server}/api/v1/openapi.json",
                   "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful", "--seed", str(seed),
                   "--max-examples", str(CLI_EXAMPLES), "--generation-database", "none", "--workers", "1",
                   "--no-color", "--report", "junit", "--report-dir", str(tmp_path / str(seed))]
        runs[seed] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    reports = {seed: run.communicate(timeout=900)[0] for seed, run in runs.items()}
    failed = {seed: report[-6000:] for seed, report in reports.items() if runs[seed].returncode != 0}
    assert not failed, "\n\n".join(f"Seed {seed}:\n{report}" for seed, report in failed.items())
    for report in reports.values():
        assert "Fuzzing" in report and "Stateful" in report and "Coverage" in report

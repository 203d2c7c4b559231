from workbench.core import overview


def test_sample_case_builds_with_everything_in_it(sample_case):
    counts = overview.counts(sample_case)
    assert counts["documents"] == 8
    assert counts["findings"] == 3
    assert counts["claims with a verdict"] == 4

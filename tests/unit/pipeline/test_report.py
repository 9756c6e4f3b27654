"""The run report's lines for a person: what arrived on the day, and the short form a
multi-day run prints per day."""

from spark_jobs.pipeline.report import render_day, render_short

SUMMARY = {
    "run_date": "2024-06-29",
    "delivered": [
        {
            "source": "credit_abnormal_operations",
            "files_ingested": 0,
            "files_skipped": 0,
            "files_rejected": 0,
            "files_waiting": 1,
            "rows_read": None,
            "rows_accepted": None,
            "rows_quarantined": None,
            "rows_superseded": None,
        },
        {
            "source": "enforcement_officers",
            "files_ingested": 0,
            "files_skipped": 1,
            "files_rejected": 0,
            "rows_read": None,
            "rows_accepted": None,
            "rows_quarantined": None,
            "rows_superseded": None,
        },
        {
            "source": "supervision_actions",
            "files_ingested": 9,
            "files_skipped": 0,
            "files_rejected": 0,
            "files_waiting": 0,
            "rows_read": 23,
            "rows_accepted": 23,
            "rows_quarantined": 0,
            "rows_superseded": 3,
        },
    ],
    "headline": {
        "province_coverage": "73.68%",
        "departments_80": "3/10",
        "departments_100": "2/10",
        "collection_warnings": "7",
        "risk_warnings": "19",
        "excellent": "3",
        "failing": "0",
    },
    "export": "/lake/exports/national/2024-06-29",
    "dashboard": "/home/reports/dashboard/2024-06-29/dashboard.html",
}


def test_the_day_per_source():
    lines = render_day(SUMMARY)
    assert lines[0] == ("Delivered on 2024-06-29 (files: ingested/skipped/rejected/waiting; rows):")
    assert lines[1].split()[:3] == ["credit_abnormal_operations", "files", "0/0/0/1"]
    lines = lines[:1] + lines[2:]
    assert lines[1].split() == [
        "enforcement_officers",
        "files",
        "0/1/0/0",
        "read",
        "0",
        "accepted",
        "0",
        "quarantined",
        "0",
        "superseded",
        "0",
    ]
    assert "read     23  accepted     23  quarantined    0  superseded    3" in lines[2]
    assert render_day({"run_date": "2024-06-30"})[1:] == ["  nothing"]


def test_short_form_ends_with_the_headline_and_the_outputs():
    text = render_short(SUMMARY).splitlines()
    assert text[-2] == (
        "  => coverage 73.68%, departments at 80 % 3/10, 7 collection and 19 risk warnings"
    )
    assert text[-1] == (
        "  => export /lake/exports/national/2024-06-29; "
        "page /home/reports/dashboard/2024-06-29/dashboard.html"
    )

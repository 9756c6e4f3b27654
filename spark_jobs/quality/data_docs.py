"""The Data Docs site quality officers read: where it is written and how it is rendered.

The site goes to `settings.data_docs_dir`, rendered through the templates in
`expectations/data_docs/` (see its README.md) so that the pages load nothing from the internet:
GE's own pull Bootstrap/jQuery from CDNs and show an empty index offline. GE instantiates the
view and renderer classes by module and class name, so they are attributes of this module; they
are built on first use, so that importing it does not import Great Expectations.
"""

from __future__ import annotations

from pathlib import Path

from spark_jobs.core.settings import Settings
from spark_jobs.quality.suites import EXPECTATIONS_DIR

DOCS_TEMPLATES = EXPECTATIONS_DIR / "data_docs"  # offline page templates (see its README.md)
DOCS_SITE = "lakehouse"
OFFLINE_CLASSES = ("OfflinePageView", "OfflineIndexPageView", "ValidationPageRenderer")
# The quality reports (spark_jobs.quality.report) from the index: both folders are under
# settings.home (data_docs/ and reports/quality/), so the link is relative and works offline.
QUALITY_REPORTS_HREF = "../reports/quality/index.html"
QUALITY_REPORTS_LINK = (
    f'<a class="quality-reports" href="{QUALITY_REPORTS_HREF}" style="margin-left:auto">'
    "质量报告 · Quality reports</a>"
)


def site_config(settings: Settings) -> dict:
    """GE's configuration of the one Data Docs site, written to `settings.data_docs_dir`."""
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(Path(settings.data_docs_dir).resolve()),
        },
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "view": {"module_name": __name__, "class_name": "OfflineIndexPageView"},
        },
        "site_section_builders": {
            "expectations": {"view": {"module_name": __name__, "class_name": "OfflinePageView"}},
            "validations": {
                "renderer": {"module_name": __name__, "class_name": "ValidationPageRenderer"},
                "view": {"module_name": __name__, "class_name": "OfflinePageView"},
            },
        },
    }


def validation_page(settings: Settings, key, built: bool = True) -> Path | None:
    """The Data Docs page of one validation result (GE's site layout: validations/<key>.html);
    None when it is not there, unless `built` is False (its docs are built later)."""
    parts = key.to_tuple()
    page = Path(settings.data_docs_dir, "validations", *parts[:-1], f"{parts[-1]}.html")
    return page if page.exists() or not built else None


def _offline_classes() -> dict[str, type]:
    """Data Docs view/renderer classes, built on first use so that importing this module does
    not import Great Expectations (GE instantiates them by module and class name)."""
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
    from jinja2 import ChoiceLoader, FileSystemLoader

    def offline(view) -> None:  # our templates first, GE's for everything else
        view.env.loader = ChoiceLoader([FileSystemLoader(str(DOCS_TEMPLATES)), view.env.loader])

    class OfflinePageView(DefaultJinjaPageView):
        """Validation and suite pages without CDN scripts, remote logo or newsletter footer."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            offline(self)

    class OfflineIndexPageView(DefaultJinjaIndexPageView):
        """The index with its tables written into the HTML (GE draws them with jQuery), and a
        link to the quality reports in its navigation bar."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            offline(self)

        def render(self, document, template=None, **kwargs):
            page = super().render(document, template, **kwargs)
            return page.replace("</nav>", QUALITY_REPORTS_LINK + "</nav>", 1)

    class ValidationPageRenderer(ValidationResultsPageRenderer):
        """Names the table on the page: fluent Spark batches keep the asset name out of
        batch_spec, where GE's page renderer looks for it ("Data asset: None")."""

        def render(self, validation_results, suite_parameters=None):
            spec = validation_results.meta.get("batch_spec")
            asset = getattr(validation_results, "asset_name", None)
            if asset and isinstance(spec, dict) and not spec.get("data_asset_name"):
                validation_results.meta["batch_spec"] = {**spec, "data_asset_name": asset}
            return super().render(validation_results, suite_parameters)

    return {c.__name__: c for c in (OfflinePageView, OfflineIndexPageView, ValidationPageRenderer)}


_LAZY: dict[str, type] = {}


def __getattr__(name: str):
    if name in OFFLINE_CLASSES:
        if not _LAZY:
            _LAZY.update(_offline_classes())
        return _LAZY[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Figures (``textplot_*``), and the infrastructure they share: fonts that draw Chinese, one
figure style, and safe figure export.

Plot functions take tables of the measures layer, build and return a matplotlib Figure (inside
:func:`figure_style`, sized with :func:`figure_size`) and never save; only :func:`save_figure`
writes files. :mod:`analysis.run.figures` draws and saves every figure of the study.

>>> from analysis.plots import figure_style, figure_size, save_figure
>>> import matplotlib.pyplot as plt
>>> with figure_style():                                  # doctest: +SKIP
...     fig, ax = plt.subplots(figsize=figure_size("single"))
...     ax.bar(["团结", "民主集中制", "一把手"], [12, 7, 3])
...     ax.set_ylabel("Mentions")
>>> save_figure(fig, "slogan_counts")                     # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from analysis.lazy_exports import lazy_exports

# Where each public name lives. They are imported on first use (PEP 562), so that importing one
# module of the package (``analysis.plots.fonts``, say) does not load every plot and its libraries.
_WHERE = {
    "COLUMN_WIDTH_INCHES": "analysis.plots.style",
    "ColumnWidth": "analysis.plots.style",
    "DIVERGING_CMAP": "analysis.plots.style",
    "FONT_ENV_VAR": "analysis.plots.fonts",
    "FigureFormat": "analysis.plots.save",
    "FigureSizeWarning": "analysis.plots.save",
    "FontNotFoundError": "analysis.plots.fonts",
    "HATCHES": "analysis.plots.style",
    "LATIN_FALLBACK_FAMILY": "analysis.plots.fonts",
    "LINESTYLES": "analysis.plots.style",
    "MARKERS": "analysis.plots.style",
    "MAX_PDF_BYTES": "analysis.plots.save",
    "MissingGlyphError": "analysis.plots.fonts",
    "PALETTE": "analysis.plots.style",
    "ResolvedFont": "analysis.plots.fonts",
    "SEQUENTIAL_CMAP": "analysis.plots.style",
    "SUPPORTED_FORMATS": "analysis.plots.save",
    "apply_figure_style": "analysis.plots.style",
    "check_glyphs": "analysis.plots.save",
    "export_rc_params": "analysis.plots.style",
    "figure_size": "analysis.plots.style",
    "figure_style": "analysis.plots.style",
    "find_system_cjk_font": "analysis.plots.fonts",
    "fitted_figure_name": "analysis.plots.save",
    "font_files_for": "analysis.plots.fonts",
    "font_stack": "analysis.plots.fonts",
    "missing_characters": "analysis.plots.fonts",
    "packaged_font_path": "analysis.plots.fonts",
    "register_font_file": "analysis.plots.fonts",
    "require_glyphs": "analysis.plots.fonts",
    "resolve_cjk_font": "analysis.plots.fonts",
    "safe_figure_name": "analysis.plots.save",
    "save_figure": "analysis.plots.save",
    "series_style": "analysis.plots.style",
    "style_rc_params": "analysis.plots.style",
    "textplot_ca": "analysis.plots.correspondence",
    "textplot_collocate_network": "analysis.plots.network",
    "textplot_comparison_cloud": "analysis.plots.wordcloud",
    "textplot_formulae": "analysis.plots.formulae",
    "textplot_keyness": "analysis.plots.keyness",
    "textplot_scale_positions": "analysis.plots.scaling",
    "textplot_similarity": "analysis.plots.similarity",
    "textplot_slogan_cooccurrence": "analysis.plots.cooccurrence",
    "textplot_slogan_rates": "analysis.plots.slogan_rates",
    "textplot_slogan_trends": "analysis.plots.trends",
    "textplot_term_scatter": "analysis.plots.term_scatter",
    "textplot_tfidf": "analysis.plots.tfidf",
    "textplot_topic_k": "analysis.plots.topics",
    "textplot_topic_prevalence": "analysis.plots.topics",
    "textplot_topic_terms": "analysis.plots.topics",
    "textplot_wordcloud": "analysis.plots.wordcloud",
    "textplot_wordfish_words": "analysis.plots.scaling",
    "textplot_xray": "analysis.plots.xray",
}

if TYPE_CHECKING:  # what type checkers and editors see
    from analysis.plots.cooccurrence import textplot_slogan_cooccurrence
    from analysis.plots.correspondence import textplot_ca
    from analysis.plots.fonts import (
        FONT_ENV_VAR,
        LATIN_FALLBACK_FAMILY,
        FontNotFoundError,
        MissingGlyphError,
        ResolvedFont,
        find_system_cjk_font,
        font_files_for,
        font_stack,
        missing_characters,
        packaged_font_path,
        register_font_file,
        require_glyphs,
        resolve_cjk_font,
    )
    from analysis.plots.formulae import textplot_formulae
    from analysis.plots.keyness import textplot_keyness
    from analysis.plots.network import textplot_collocate_network
    from analysis.plots.save import (
        MAX_PDF_BYTES,
        SUPPORTED_FORMATS,
        FigureFormat,
        FigureSizeWarning,
        check_glyphs,
        fitted_figure_name,
        safe_figure_name,
        save_figure,
    )
    from analysis.plots.scaling import textplot_scale_positions, textplot_wordfish_words
    from analysis.plots.similarity import textplot_similarity
    from analysis.plots.slogan_rates import textplot_slogan_rates
    from analysis.plots.style import (
        COLUMN_WIDTH_INCHES,
        DIVERGING_CMAP,
        HATCHES,
        LINESTYLES,
        MARKERS,
        PALETTE,
        SEQUENTIAL_CMAP,
        ColumnWidth,
        apply_figure_style,
        export_rc_params,
        figure_size,
        figure_style,
        series_style,
        style_rc_params,
    )
    from analysis.plots.term_scatter import textplot_term_scatter
    from analysis.plots.tfidf import textplot_tfidf
    from analysis.plots.topics import (
        textplot_topic_k,
        textplot_topic_prevalence,
        textplot_topic_terms,
    )
    from analysis.plots.trends import textplot_slogan_trends
    from analysis.plots.wordcloud import textplot_comparison_cloud, textplot_wordcloud
    from analysis.plots.xray import textplot_xray


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)

__all__ = [
    "COLUMN_WIDTH_INCHES",
    "DIVERGING_CMAP",
    "FONT_ENV_VAR",
    "HATCHES",
    "LATIN_FALLBACK_FAMILY",
    "LINESTYLES",
    "MARKERS",
    "MAX_PDF_BYTES",
    "PALETTE",
    "SEQUENTIAL_CMAP",
    "SUPPORTED_FORMATS",
    "ColumnWidth",
    "FigureFormat",
    "FigureSizeWarning",
    "FontNotFoundError",
    "MissingGlyphError",
    "ResolvedFont",
    "apply_figure_style",
    "check_glyphs",
    "export_rc_params",
    "figure_size",
    "figure_style",
    "find_system_cjk_font",
    "fitted_figure_name",
    "font_files_for",
    "font_stack",
    "missing_characters",
    "packaged_font_path",
    "register_font_file",
    "require_glyphs",
    "resolve_cjk_font",
    "safe_figure_name",
    "save_figure",
    "series_style",
    "style_rc_params",
    "textplot_ca",
    "textplot_collocate_network",
    "textplot_comparison_cloud",
    "textplot_formulae",
    "textplot_keyness",
    "textplot_scale_positions",
    "textplot_similarity",
    "textplot_slogan_cooccurrence",
    "textplot_slogan_rates",
    "textplot_slogan_trends",
    "textplot_term_scatter",
    "textplot_tfidf",
    "textplot_topic_k",
    "textplot_topic_prevalence",
    "textplot_topic_terms",
    "textplot_wordcloud",
    "textplot_wordfish_words",
    "textplot_xray",
]

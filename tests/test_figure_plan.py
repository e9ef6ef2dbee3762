"""The plan of a run's figures adapts to the corpus (issue 12, defect 1): 24–40 documents get
the rows that fit a page with a note, and a figure with nothing to show (two identical
documents have no keywords) is skipped with its reason, never a failure of the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.config.settings import load_settings
from analysis.corpus.build import build_corpus
from analysis.errors import CannotDraw
from analysis.plots.slogan_rates import rows_that_fit, textplot_slogan_rates
from analysis.plots.style import MAX_FIGURE_HEIGHT_INCHES
from analysis.plots.xray import documents_that_fit
from analysis.run.figures import _draw_and_save, study_figures
from analysis.run.tables import compute_tables

WORDS = ["团结", "民主集中制", "一把手", "集体领导", "班子", "干部", "群众", "改革", "发展", "学习"]


def distinct_texts(folder: Path, n_docs: int) -> Path:
    """``n_docs`` short texts, each mentioning the slogans a different number of times."""
    folder.mkdir()
    for i in range(n_docs):
        sentences = [
            f"要坚持{WORDS[(i + k) % 10]}和{WORDS[(i * 3 + k) % 10]}，加强{WORDS[(i + 2 * k) % 10]}"
            for k in range(12)
        ]
        (folder / f"d{i:02d}.txt").write_text("。".join(sentences) + "。", encoding="utf-8")
    return folder


def without_models(settings: dict) -> dict:
    """The settings with topic models and scaling off: these tests are about the other figures
    (test_models.py covers the models' figures)."""
    return {**settings, "topics": {"enabled": False}, "scaling": {"enabled": False}}


def planned(tmp_path, texts):
    settings = without_models(load_settings())
    corpus = build_corpus(texts, settings=settings, cache_dir=tmp_path / "cache")
    results = compute_tables(corpus, settings)
    return corpus, study_figures(corpus, results, settings)


def test_rows_that_fit_are_the_most_a_page_holds():
    # rows_that_fit knows the number of slogans, not their names or rates, so it allows for a
    # legend of one row per slogan, three-line panel titles and either layout "auto" may take:
    # at most a few rows short of the most a page holds, never more.
    for layout in ("auto", "dodge", "facet"):
        fit = rows_that_fit(3, layout=layout, width="single")
        table = _slogan_table(fit)
        height = textplot_slogan_rates(table, include_corpus=False, layout=layout).get_figheight()
        assert height <= MAX_FIGURE_HEIGHT_INCHES
        with pytest.raises(CannotDraw, match=rf"3 slogans × {fit + 3} rows need a figure"):
            textplot_slogan_rates(_slogan_table(fit + 3), include_corpus=False, layout=layout)
    assert documents_that_fit(3, width="double") == 64  # (9 − 0.65) / 0.13 rows
    assert rows_that_fit(16, layout="facet", width="double") < rows_that_fit(4, width="double")


def _slogan_table(n_rows: int):
    import pandas as pd

    rows = [
        {
            "scope": "document", "grouping": None, "group": None, "doc_id": f"d{i:02d}",
            "slogan": slogan, "n_chars": 1000, "count": i % 4, "token_count": i % 4,
            "per_10k_chars": 10.0 * (i % 4), "ci_low": 0.0, "ci_high": 40.0, "confidence": 0.95,
        }
        for i in range(n_rows)
        for slogan in ("团结", "民主集中制", "一把手")
    ]
    return pd.DataFrame(rows)


def test_thirty_documents_show_the_rows_that_fit_with_a_note(tmp_path):
    corpus, plan = planned(tmp_path, distinct_texts(tmp_path / "T", 30))
    figures = dict(plan.figures)
    notes = {s["what"]: s["reason"] for s in plan.skipped}
    fit = rows_that_fit(3, width="single") - 1
    assert notes[f"figure slogan_rates: {30 - fit} of the 30 documents left out"] == (
        f"a row per document would not fit a page, so it shows the {fit} that mention the "
        "slogans most; slogan_counts.csv has every document"
    )
    for name in ("slogan_rates", "slogan_rates_all", "xray"):
        figure = figures[name]()
        assert figure.get_figheight() <= MAX_FIGURE_HEIGHT_INCHES, name
    shown = [t.get_text() for t in figures["slogan_rates"]().axes[0].get_yticklabels()]
    most = corpus.mentions["doc_id"].value_counts()
    assert len(shown) == fit + 1 and shown[-1] == "All documents"
    assert min(most[d] for d in shown[:-1]) >= most.drop(shown[:-1]).max()


def test_two_identical_documents_skip_the_figures_with_nothing_to_show(tmp_path):
    texts = tmp_path / "T"
    texts.mkdir()
    for name in ("a", "b"):
        text = "我们要加强团结，坚持民主集中制。一把手要带头。"
        (texts / f"{name}.txt").write_text(text, encoding="utf-8")
    _, plan = planned(tmp_path, texts)
    figures = dict(plan.figures)
    for name in ("keyness_a", "comparison_cloud"):
        files, failure, skip = _draw_and_save(name, figures[name], tmp_path / "F", None, ("png",))
        assert files == [] and failure is None
        assert skip["what"] == f"figure {name}"
        assert "no term" in skip["reason"] or "nothing to compare" in skip["reason"]
    assert not (tmp_path / "F").exists() or not any((tmp_path / "F").iterdir())


def test_cooccurrence_without_document_rows_draws_the_pooled_corpus(tmp_path):
    # settings-large counts co-occurrence pooled only (per_document: false); on a corpus small
    # enough for the per-document figures, the figure draws the corpus panel instead of failing.
    settings = without_models(load_settings())
    settings["cooccurrence"] = {**settings["cooccurrence"], "per_document": False}
    corpus = build_corpus(distinct_texts(tmp_path / "T", 4), settings=settings,
                          cache_dir=tmp_path / "cache")
    results = compute_tables(corpus, settings)
    assert set(results.tables["slogan_cooccurrence"]["scope"]) == {"corpus"}
    draw = dict(study_figures(corpus, results, settings).figures)["slogan_cooccurrence"]
    files, failure, skip = _draw_and_save("co", draw, tmp_path / "F", None, ("png",))
    assert failure is None and skip is None and [f.name for f in files] == ["co.png"]


def test_a_large_corpus_shows_documents_spread_over_groups_and_years(tmp_path):
    texts = distinct_texts(tmp_path / "T", 45)
    rows = ["doc_id,file,year,genre"]
    for i in range(45):
        genre = "speech" if i < 30 else "opinion"  # in file order: the first nine are speeches
        rows.append(f"d{i:02d},d{i:02d}.txt,{1980 + i},{genre}")
    (tmp_path / "meta.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    settings = without_models(load_settings())
    corpus = build_corpus(texts, metadata=tmp_path / "meta.csv", settings=settings,
                          cache_dir=tmp_path / "cache")
    results = compute_tables(corpus, settings)
    plan = study_figures(corpus, results, settings)
    figures = dict(plan.figures)
    notes = {s["what"]: s["reason"] for s in plan.skipped}

    # Nine TF-IDF panels: speeches and opinions in proportion (30:15 → 6:3), each spread from
    # its first year to its last, not the first nine files.
    assert "figure tfidf: 36 of the 45 documents left out" in notes
    assert "spread over genre and the years" in notes["figure tfidf: 36 of the 45 documents left out"]
    tfidf = figures["tfidf"]()
    shown = [ax.get_title(loc="left") for ax in tfidf.axes if ax.get_visible()]
    assert shown == ["d00", "d06", "d12", "d17", "d23", "d29", "d30", "d37", "d44"]
    assert "9 of 45 documents, spread over genre and the years" in tfidf.get_supxlabel()

    # The similarity heatmap: 30 of them, in the order of the clustering of all 45.
    assert "figure similarity: 15 of the 45 documents left out" in notes
    similarity = figures["similarity"]()
    labels = [t.get_text() for t in similarity.axes[0].get_yticklabels()]
    assert len(labels) == 30
    leaves = [d for d in results.clustering.leaves if d in set(labels)]
    assert labels == leaves
    assert "30 of 45 documents" in similarity.get_supxlabel()


def test_only_the_figures_asked_for_are_planned(tmp_path):
    """``figures: only`` (``run --only-figures``) plans those kinds alone, keyness standing for
    every keyness figure; the others are noted once as not asked for, without their reasons."""
    texts = distinct_texts(tmp_path / "texts", 30)
    settings = without_models(load_settings())
    settings["figures"] = {**settings["figures"], "only": ["keyness", "slogan_rates", "topic_k"]}
    corpus = build_corpus(texts, settings=settings, cache_dir=tmp_path / "cache")
    plan = study_figures(corpus, compute_tables(corpus, settings), settings)
    names = [name for name, _ in plan.figures]
    assert names[0] == "slogan_rates"
    assert sorted(names[1:]) == [f"keyness_d{i:02d}" for i in range(30)]
    whats = [note["what"] for note in plan.skipped]
    assert "figure topic_k" in whats  # asked for, and why it is not drawn
    assert not any(what.startswith(("figure xray", "figure tfidf")) for what in whats)
    [left_out] = [note for note in plan.skipped if note["what"].startswith("figures ")]
    assert "slogan_rates_all, slogan_trends" in left_out["what"]
    assert "keyness" not in left_out["what"] and "topic_k" not in left_out["what"]
    assert "only" in left_out["reason"]


@pytest.mark.parametrize("only", [["keyness", "wordclouds"], "keyness"])
def test_an_unknown_figure_name_is_an_error_naming_it_and_the_choices(only):
    from analysis.errors import InputError
    from analysis.run.figures import figure_settings

    with pytest.raises(InputError, match=r"only names figures.*'wordclouds'|'keyness'.*wordcloud"):
        figure_settings({"figures": {"only": only}})
